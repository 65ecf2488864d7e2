import { randomBytes } from "node:crypto";
import { AppError, isId, newId, notFound } from "@slipway/shared";
import { and, asc, eq, gt, ilike, ne, or } from "drizzle-orm";
import { type Page, toPage } from "../api-schemas/common.js";
import type { DatabaseOrTransaction } from "../db/client.js";
import { type DomainRow, domains } from "../db/schema/index.js";
import { recordAudit } from "./audit.js";
import type { ServiceContext } from "./context.js";
import { assertOutsidePreviewDomain, canonicalizeDomain, dnsRecordsFor } from "./domain-name.js";
import { isUniqueViolation } from "./postgres-errors.js";
import { resolveEnvironment, type TenantScope } from "./resolve.js";
import { escapeLike } from "./search.js";

type Refs = { project: string; app: string; environment: string };

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

/** The 409 for a hostname another workspace verified: that it is taken, and nothing more. */
export const hostnameTaken = (name: string) =>
  new AppError(
    "conflict",
    `'${name}' is verified by another workspace; it is free again once it is no longer verified there.`,
  );

/**
 * Refuses a hostname another workspace has verified. A courtesy that answers early: the
 * partial unique index on verified hostnames is what guarantees one verifier, race or not.
 */
export async function assertHostnameFree(
  db: DatabaseOrTransaction,
  workspaceId: string,
  name: string,
): Promise<void> {
  const [taken] = await db
    .select({ id: domains.id })
    .from(domains)
    .where(
      and(
        eq(domains.domain, name),
        eq(domains.status, "verified"),
        ne(domains.workspaceId, workspaceId),
      ),
    )
    .limit(1);
  if (taken) throw hostnameTaken(name);
}

export async function createDomain(ctx: ServiceContext, input: Refs & { domain: string }) {
  const canonical = canonicalizeDomain(input.domain);
  assertOutsidePreviewDomain(canonical.name, ctx.config.SLIPWAY_PREVIEW_DOMAIN);
  const now = ctx.clock();
  const id = newId("domain", now.getTime());
  try {
    const row = await ctx.db.transaction(async (tx) => {
      const { project, app, environment } = await resolveEnvironment({ ...ctx, db: tx }, input);
      await assertHostnameFree(tx, ctx.workspaceId, canonical.name);
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
          verificationStartedAt: now,
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

export async function findDomain(scope: TenantScope, ref: string): Promise<DomainRow> {
  let byName: string | undefined;
  if (!isId("domain", ref)) {
    try {
      byName = canonicalizeDomain(ref).name;
    } catch {
      throw notFound(`Domain '${ref}'`);
    }
  }
  const [row] = await scope.db
    .select()
    .from(domains)
    .where(
      and(
        eq(domains.workspaceId, scope.workspaceId),
        byName ? eq(domains.domain, byName) : eq(domains.id, ref),
      ),
    )
    .limit(1);
  if (!row) throw notFound(`Domain '${ref}'`);
  scope.access(row);
  return row;
}

export async function getDomain(ctx: ServiceContext, ref: string) {
  return domainView(await findDomain(ctx, ref), ctx.config.SLIPWAY_DOMAIN_TARGET);
}

export async function listDomains(
  ctx: ServiceContext,
  input: Refs & { limit: number; cursor?: string | undefined; search?: string | undefined },
): Promise<Page<ReturnType<typeof domainView>>> {
  const { environment } = await resolveEnvironment(ctx, input);
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
    const row = await findDomain({ ...ctx, db: tx }, ref);
    await tx.delete(domains).where(eq(domains.id, row.id));
    await recordAudit(tx, ctx, {
      action: "domain.delete",
      targetType: "domain",
      targetId: row.id,
      context: { domain: row.domain },
    });
  });
}
