import { randomBytes } from "node:crypto";
import { AppError, isId, newId, notFound } from "@slipway/shared";
import { and, asc, eq, gt, ilike, or } from "drizzle-orm";
import type { DatabaseOrTransaction } from "../db/client.js";
import { type DomainRow, domains } from "../db/schema/index.js";
import { type Page, toPage } from "../http/schemas/common.js";
import { recordAudit } from "./audit.js";
import type { ServiceContext } from "./context.js";
import {
  canonicalizeDomain,
  dnsRecordsFor,
  verificationRecordPrefix,
  verificationValuePrefix,
} from "./domain-name.js";
import { isUniqueViolation } from "./postgres-errors.js";
import { resolveEnvironment } from "./resolve.js";
import { escapeLike } from "./search.js";

type Refs = { project: string; app: string; environment: string };

/** How long a domain may wait for its records before verification gives up. */
export const verificationWindowMs = 24 * 60 * 60 * 1000;

function recordsOf(row: DomainRow, target: string) {
  return dnsRecordsFor({ name: row.domain, ...row }, target);
}

export function domainView(row: DomainRow, target: string) {
  return {
    id: row.id,
    domain: row.domain,
    projectId: row.projectId,
    appId: row.appId,
    environmentId: row.environmentId,
    status: row.status,
    ...(row.verificationError ? { verificationError: row.verificationError } : {}),
    dnsRecords: recordsOf(row, target),
    createdAt: row.createdAt.getTime(),
    ...(row.updatedAt ? { updatedAt: row.updatedAt.getTime() } : {}),
  };
}

export async function createDomain(ctx: ServiceContext, input: Refs & { domain: string }) {
  const canonical = canonicalizeDomain(input.domain);
  const now = ctx.clock();
  const id = newId("domain", now.getTime());
  try {
    const row = await ctx.db.transaction(async (tx) => {
      const { project, app, environment } = await resolveEnvironment(tx, ctx.workspaceId, input);
      const [inserted] = await tx
        .insert(domains)
        .values({
          id,
          workspaceId: ctx.workspaceId,
          projectId: project.id,
          appId: app.id,
          environmentId: environment.id,
          domain: canonical.name,
          isApex: canonical.isApex,
          status: "pending",
          verificationToken: randomBytes(16).toString("hex"),
          createdAt: now,
        })
        .returning();
      await recordAudit(tx, ctx, {
        action: "domain.create",
        targetType: "domain",
        targetId: id,
        context: { domain: canonical.name },
      });
      return inserted!;
    });
    return { domainId: row.id, dnsRecords: recordsOf(row, ctx.config.SLIPWAY_DOMAIN_TARGET) };
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new AppError(
        "conflict",
        `'${canonical.name}' is already attached to an environment in this workspace.`,
      );
    }
    throw error;
  }
}

async function findDomain(
  db: DatabaseOrTransaction,
  workspaceId: string,
  ref: string,
): Promise<DomainRow> {
  let byName: string | undefined;
  if (!isId("domain", ref)) {
    try {
      byName = canonicalizeDomain(ref).name;
    } catch {
      throw notFound(`Domain '${ref}'`);
    }
  }
  const [row] = await db
    .select()
    .from(domains)
    .where(
      and(
        eq(domains.workspaceId, workspaceId),
        byName ? eq(domains.domain, byName) : eq(domains.id, ref),
      ),
    )
    .limit(1);
  if (!row) throw notFound(`Domain '${ref}'`);
  return row;
}

export async function getDomain(ctx: ServiceContext, ref: string) {
  return domainView(
    await findDomain(ctx.db, ctx.workspaceId, ref),
    ctx.config.SLIPWAY_DOMAIN_TARGET,
  );
}

export async function listDomains(
  ctx: ServiceContext,
  input: Refs & { limit: number; cursor?: string | undefined; search?: string | undefined },
): Promise<Page<ReturnType<typeof domainView>>> {
  const { environment } = await resolveEnvironment(ctx.db, ctx.workspaceId, input);
  // The SDK documents search as matching the id or the name.
  const pattern = input.search ? `%${escapeLike(input.search)}%` : undefined;
  const rows = await ctx.db
    .select()
    .from(domains)
    .where(
      and(
        eq(domains.environmentId, environment.id),
        input.cursor ? gt(domains.id, input.cursor) : undefined,
        pattern ? or(ilike(domains.id, pattern), ilike(domains.domain, pattern)) : undefined,
      ),
    )
    .orderBy(asc(domains.id))
    .limit(input.limit + 1);
  const page = toPage(rows, input.limit);
  return {
    ...page,
    items: page.items.map((row) => domainView(row, ctx.config.SLIPWAY_DOMAIN_TARGET)),
  };
}

export async function deleteDomain(ctx: ServiceContext, ref: string) {
  await ctx.db.transaction(async (tx) => {
    const row = await findDomain(tx, ctx.workspaceId, ref);
    await tx.delete(domains).where(eq(domains.id, row.id));
    await recordAudit(tx, ctx, {
      action: "domain.delete",
      targetType: "domain",
      targetId: row.id,
      context: { domain: row.domain },
    });
  });
}

async function lookupOrEmpty<T>(lookup: () => Promise<T[]>): Promise<T[]> {
  try {
    return await lookup();
  } catch {
    return [];
  }
}

/** Pure: what a DNS check found, turned into the domain's next state. */
export function verificationOutcome(
  row: Pick<DomainRow, "domain" | "verificationToken" | "createdAt">,
  found: { txt: string[]; cname: string[] },
  target: string,
  now: Date,
): Pick<DomainRow, "status" | "verificationError" | "routingVerified" | "ownershipVerified"> {
  const ownershipVerified = found.txt.includes(
    `${verificationValuePrefix}${row.verificationToken}`,
  );
  const routingVerified = found.cname.some(
    (name) => name.replace(/\.$/, "").toLowerCase() === target,
  );
  if (ownershipVerified)
    return { status: "verified", verificationError: null, routingVerified, ownershipVerified };
  const expired = now.getTime() - row.createdAt.getTime() > verificationWindowMs;
  const txtName = `${verificationRecordPrefix}.${row.domain}`;
  const verificationError =
    found.txt.length === 0
      ? `No TXT record found at ${txtName}.`
      : `The TXT record at ${txtName} does not hold the expected value (found: ${found.txt.slice(0, 3).join(", ")}).`;
  return {
    status: expired ? "failed" : "verifying",
    verificationError: expired
      ? `${verificationError} The 24 hour verification window has passed.`
      : verificationError,
    routingVerified,
    ownershipVerified,
  };
}

export async function verifyDomain(ctx: ServiceContext, ref: string) {
  const row = await findDomain(ctx.db, ctx.workspaceId, ref);
  // As the SDK documents: a verified domain is not checked again, so a record removed later
  // cannot demote a domain that is serving traffic.
  if (row.status === "verified") {
    throw new AppError("precondition_failed", `'${row.domain}' is already verified.`);
  }
  if (row.status === "failed") {
    throw new AppError(
      "precondition_failed",
      `Verification of '${row.domain}' failed after 24 hours. Fix the DNS records, then delete and re-add the domain.`,
    );
  }
  const [txt, cname] = await Promise.all([
    lookupOrEmpty(async () =>
      (await ctx.dns.resolveTxt(`${verificationRecordPrefix}.${row.domain}`)).map((chunks) =>
        chunks.join(""),
      ),
    ),
    lookupOrEmpty(() => ctx.dns.resolveCname(row.domain)),
  ]);
  const outcome = verificationOutcome(
    row,
    { txt, cname },
    ctx.config.SLIPWAY_DOMAIN_TARGET,
    ctx.clock(),
  );
  await ctx.db.transaction(async (tx) => {
    await tx
      .update(domains)
      .set({ ...outcome, updatedAt: ctx.clock() })
      .where(eq(domains.id, row.id));
    await recordAudit(tx, ctx, {
      action: "domain.verify",
      targetType: "domain",
      targetId: row.id,
      context: { status: outcome.status },
    });
  });
}
