import { AppError } from "@slipway/shared";
import { and, asc, eq, gt, inArray } from "drizzle-orm";
import type { Clock } from "../clock.js";
import type { Database } from "../db/client.js";
import { type DomainRow, domains } from "../db/schema/index.js";
import { recordAudit } from "./audit.js";
import type { ServiceContext } from "./context.js";
import type { DnsLookup } from "./dns-resolver.js";
import { verificationRecordPrefix, verificationValuePrefix } from "./domain-name.js";
import { findDomain } from "./domains.js";

/** How long a domain may wait for its records before verification gives up. */
export const verificationWindowMs = 24 * 60 * 60 * 1000;

type CheckedFields = "status" | "verificationError" | "routingVerified" | "ownershipVerified";

/** Pure: what a DNS check found, turned into the domain's next state. */
export function verificationOutcome(
  row: Pick<DomainRow, "domain" | "verificationToken" | "verificationStartedAt">,
  found: { txt: string[]; cname: string[] },
  target: string,
  now: Date,
): Pick<DomainRow, CheckedFields> {
  const ownershipVerified = found.txt.includes(
    `${verificationValuePrefix}${row.verificationToken}`,
  );
  const routingVerified = found.cname.some(
    (name) => name.replace(/\.$/, "").toLowerCase() === target,
  );
  if (ownershipVerified) {
    return { status: "verified", verificationError: null, routingVerified, ownershipVerified };
  }
  const expired = now.getTime() - row.verificationStartedAt.getTime() > verificationWindowMs;
  const txtName = `${verificationRecordPrefix}.${row.domain}`;
  const problem =
    found.txt.length === 0
      ? `No TXT record found at ${txtName}.`
      : `The TXT record at ${txtName} does not hold the expected value (found: ${found.txt.slice(0, 3).join(", ")}).`;
  return {
    status: expired ? "failed" : "verifying",
    verificationError: expired
      ? `${problem} The 24 hour verification window has passed; fix the record and call domains.verifyDomain to start again.`
      : problem,
    routingVerified,
    ownershipVerified,
  };
}

async function lookupOrEmpty<T>(lookup: () => Promise<T[]>): Promise<T[]> {
  try {
    return await lookup();
  } catch {
    // NXDOMAIN, no data, a timeout: all mean "the record is not there yet".
    return [];
  }
}

interface CheckDependencies {
  db: Database;
  dns: DnsLookup;
  clock: Clock;
  target: string;
}

/** Looks the records up and stores the outcome, unless the domain left `pending`/`verifying` meanwhile. */
async function checkDomain(
  deps: CheckDependencies,
  row: DomainRow,
): Promise<Pick<DomainRow, CheckedFields>> {
  const [txt, cname] = await Promise.all([
    lookupOrEmpty(async () =>
      (await deps.dns.resolveTxt(`${verificationRecordPrefix}.${row.domain}`)).map((chunks) =>
        chunks.join(""),
      ),
    ),
    lookupOrEmpty(() => deps.dns.resolveCname(row.domain)),
  ]);
  const now = deps.clock();
  const outcome = verificationOutcome(row, { txt, cname }, deps.target, now);
  await deps.db
    .update(domains)
    .set({ ...outcome, updatedAt: now })
    .where(and(eq(domains.id, row.id), inArray(domains.status, ["pending", "verifying"])));
  return outcome;
}

/**
 * `domains.verifyDomain`: restarts verification, as the SDK documents. The domain goes back
 * to `pending` with a fresh 24 hour window and is checked once right away; the verifier
 * keeps checking it after that. A verified domain answers 412.
 */
export async function verifyDomain(ctx: ServiceContext, ref: string): Promise<void> {
  const found = await findDomain(ctx, ref);
  if (found.status === "verified") {
    throw new AppError("precondition_failed", `'${found.domain}' is already verified.`);
  }
  const now = ctx.clock();
  const row = await ctx.db.transaction(async (tx) => {
    const [restarted] = await tx
      .update(domains)
      .set({
        status: "pending",
        verificationStartedAt: now,
        verificationError: null,
        updatedAt: now,
      })
      .where(
        and(eq(domains.id, found.id), inArray(domains.status, ["pending", "verifying", "failed"])),
      )
      .returning();
    if (!restarted)
      throw new AppError("precondition_failed", `'${found.domain}' is already verified.`);
    await recordAudit(tx, ctx, {
      action: "domain.verify",
      targetType: "domain",
      targetId: found.id,
    });
    return restarted;
  });
  await checkDomain({ ...ctx, target: ctx.config.SLIPWAY_DOMAIN_TARGET }, row);
}

/**
 * One pass over every domain still waiting for its records, across all workspaces: the
 * background half of verification. Returns how many domains it checked.
 */
export async function runDomainVerificationPass(
  deps: CheckDependencies,
  batchSize = 100,
): Promise<number> {
  let checked = 0;
  let after = "";
  for (;;) {
    const rows = await deps.db
      .select()
      .from(domains)
      .where(and(inArray(domains.status, ["pending", "verifying"]), gt(domains.id, after)))
      .orderBy(asc(domains.id))
      .limit(batchSize);
    for (const row of rows) await checkDomain(deps, row);
    checked += rows.length;
    if (rows.length < batchSize) return checked;
    after = rows.at(-1)!.id;
  }
}

/** Runs a pass every `intervalMs` (Unkey checks about each minute) until stopped. */
export function startDomainVerifier(
  deps: CheckDependencies & { onError: (error: unknown) => void },
  intervalMs = 60_000,
): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    runDomainVerificationPass(deps)
      .catch(deps.onError)
      .finally(() => {
        running = false;
      });
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
