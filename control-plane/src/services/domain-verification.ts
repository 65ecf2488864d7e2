import { AppError } from "@slipway/shared";
import { and, asc, eq, gt, inArray } from "drizzle-orm";
import type { Clock } from "../clock.js";
import type { Database } from "../db/client.js";
import { type DomainRow, type DomainStatus, domains } from "../db/schema/index.js";
import { recordAudit } from "./audit.js";
import type { ServiceContext } from "./context.js";
import { type DnsLookup, lookupAnswer, recordsOf } from "./dns-resolver.js";
import { verificationRecordPrefix, verificationValuePrefix } from "./domain-name.js";
import { assertHostnameFree, findDomain, hostnameTaken } from "./domains.js";
import { isUniqueViolation } from "./postgres-errors.js";

/** How long a domain may wait for its records before verification gives up. */
export const verificationWindowMs = 24 * 60 * 60 * 1000;

type CheckedFields = "status" | "verificationError" | "routingVerified" | "ownershipVerified";

/** Pure: why a domain's TXT record does not prove ownership (none, or another value). */
export function ownershipProblem(row: Pick<DomainRow, "domain">, txt: readonly string[]): string {
  const txtName = `${verificationRecordPrefix}.${row.domain}`;
  return txt.length === 0
    ? `No TXT record found at ${txtName}.`
    : `The TXT record at ${txtName} does not hold the expected value (found: ${txt.slice(0, 3).join(", ")}).`;
}

/** Pure: whether the records found prove ownership and route to Slipway. */
export function recordsVerify(
  row: Pick<DomainRow, "verificationToken">,
  found: { txt: readonly string[]; cname: readonly string[] },
  target: string,
): Pick<DomainRow, "routingVerified" | "ownershipVerified"> {
  return {
    ownershipVerified: found.txt.includes(`${verificationValuePrefix}${row.verificationToken}`),
    routingVerified: found.cname.some((name) => name.replace(/\.$/, "").toLowerCase() === target),
  };
}

const windowPassed = (row: Pick<DomainRow, "verificationStartedAt">, now: Date) =>
  now.getTime() - row.verificationStartedAt.getTime() > verificationWindowMs;

/** Pure: what a DNS check found, turned into the domain's next state. */
export function verificationOutcome(
  row: Pick<DomainRow, "domain" | "verificationToken" | "verificationStartedAt">,
  found: { txt: string[]; cname: string[] },
  target: string,
  now: Date,
): Pick<DomainRow, CheckedFields> {
  const verified = recordsVerify(row, found, target);
  if (verified.ownershipVerified) {
    return { status: "verified", verificationError: null, ...verified };
  }
  const expired = windowPassed(row, now);
  const problem = ownershipProblem(row, found.txt);
  return {
    status: expired ? "failed" : "verifying",
    verificationError: expired
      ? `${problem} The 24 hour verification window has passed; fix the record and call domains.verifyDomain to start again.`
      : problem,
    ...verified,
  };
}

/** Both records of a domain, each lookup bounded in time. */
export async function lookUpDomainRecords(dns: DnsLookup, domain: string) {
  const [txt, cname] = await Promise.all([
    lookupAnswer(async () =>
      (await dns.resolveTxt(`${verificationRecordPrefix}.${domain}`)).map((chunks) =>
        chunks.join(""),
      ),
    ),
    lookupAnswer(() => dns.resolveCname(domain)),
  ]);
  return { txt, cname };
}

export interface DomainCheckDependencies {
  db: Database;
  dns: DnsLookup;
  clock: Clock;
  target: string;
}

const waitingStatuses: DomainStatus[] = ["pending", "verifying"];

/**
 * Looks the records up and stores the outcome, unless the domain left `pending`/`verifying`
 * meanwhile. `taken` when the records verify but another workspace verified the hostname
 * first: the unique index refuses a second verified row, and the domain keeps waiting.
 */
async function checkDomain(
  deps: DomainCheckDependencies,
  row: DomainRow,
): Promise<Pick<DomainRow, CheckedFields> & { taken: boolean }> {
  const { txt, cname } = await lookUpDomainRecords(deps.dns, row.domain);
  const now = deps.clock();
  // No answer at all counts as no record yet: a waiting domain has nothing to lose.
  const outcome = verificationOutcome(
    row,
    { txt: recordsOf(txt), cname: recordsOf(cname) },
    deps.target,
    now,
  );
  const store = (fields: Pick<DomainRow, CheckedFields>) =>
    deps.db
      .update(domains)
      .set({ ...fields, updatedAt: now, checkedAt: fields.status === "verified" ? now : null })
      .where(and(eq(domains.id, row.id), inArray(domains.status, waitingStatuses)));
  try {
    await store(outcome);
    return { ...outcome, taken: false };
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    const taken = {
      ...outcome,
      status: windowPassed(row, now) ? "failed" : "verifying",
      verificationError: hostnameTaken(row.domain).message,
    } as const;
    await store(taken);
    return { ...taken, taken: true };
  }
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
  await assertHostnameFree(ctx.db, ctx.workspaceId, found.domain);
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
  const checked = await checkDomain({ ...ctx, target: ctx.config.SLIPWAY_DOMAIN_TARGET }, row);
  // Another workspace verified it between the check above and this one.
  if (checked.taken) throw hostnameTaken(found.domain);
}

/**
 * One pass over every domain still waiting for its records, across all workspaces: the
 * background half of verification. Returns how many domains it checked.
 */
export async function runDomainVerificationPass(
  deps: DomainCheckDependencies,
  batchSize = 100,
): Promise<number> {
  let checked = 0;
  let after = "";
  for (;;) {
    const rows = await deps.db
      .select()
      .from(domains)
      .where(and(inArray(domains.status, waitingStatuses), gt(domains.id, after)))
      .orderBy(asc(domains.id))
      .limit(batchSize);
    for (const row of rows) await checkDomain(deps, row);
    checked += rows.length;
    if (rows.length < batchSize) return checked;
    after = rows.at(-1)!.id;
  }
}
