import { and, asc, eq, gt, isNull, lt, or } from "drizzle-orm";
import { insertAuditLog } from "../db/repositories/audit-log-repository.js";
import { type DomainRow, domains } from "../db/schema/index.js";
import type { DnsAnswer } from "./dns-resolver.js";
import {
  type DomainCheckDependencies,
  lookUpDomainRecords,
  ownershipProblem,
  recordsVerify,
} from "./domain-verification.js";

/** How often a verified domain's TXT record is looked up again, by default (1 h). */
export const defaultRecheckIntervalMs = 60 * 60 * 1000;
/** Domains looked up at once during a pass: a few sockets, whatever the number of domains. */
export const defaultRecheckConcurrency = 8;

export type RecheckOutcome =
  | { kind: "unknown" }
  | { kind: "kept"; routingVerified: boolean }
  | { kind: "lost"; verificationError: string };

/**
 * Pure: what a fresh lookup means for a verified domain. Only an answer that the record is
 * gone or holds another value loses the verification; no answer (timeout, SERVFAIL) keeps it
 * until the next pass, so a DNS outage unverifies nobody.
 */
export function recheckOutcome(
  row: Pick<DomainRow, "domain" | "verificationToken">,
  found: { txt: DnsAnswer<string>; cname: DnsAnswer<string> },
  target: string,
  now: Date,
): RecheckOutcome {
  if (found.txt.kind === "unknown") return { kind: "unknown" };
  const txt = found.txt.kind === "found" ? found.txt.records : [];
  const cname = found.cname.kind === "found" ? found.cname.records : [];
  const verified = recordsVerify(row, { txt, cname }, target);
  if (verified.ownershipVerified)
    return { kind: "kept", routingVerified: verified.routingVerified };
  return {
    kind: "lost",
    verificationError: `Verification lost at ${now.toISOString()}: ${ownershipProblem(row, txt)} The domain no longer routes and its hostname may be verified by another workspace; publish the record and call domains.verifyDomain.`,
  };
}

/** Marks a verified domain lost and writes its audit row, in one transaction; once. */
async function markLost(
  deps: DomainCheckDependencies,
  row: DomainRow,
  verificationError: string,
  now: Date,
): Promise<boolean> {
  return deps.db.transaction(async (tx) => {
    const [lost] = await tx
      .update(domains)
      .set({ status: "failed", verificationError, ownershipVerified: false, updatedAt: now })
      .where(and(eq(domains.id, row.id), eq(domains.status, "verified")))
      .returning({ id: domains.id });
    if (!lost) return false;
    await insertAuditLog(tx, {
      workspaceId: row.workspaceId,
      actor: { type: "system", id: "domain-verifier" },
      at: now,
      action: "domain.verification_lost",
      targetType: "domain",
      targetId: row.id,
      context: { domain: row.domain },
    });
    return true;
  });
}

async function recheckDomain(
  deps: DomainCheckDependencies,
  row: DomainRow,
): Promise<RecheckOutcome> {
  const found = await lookUpDomainRecords(deps.dns, row.domain);
  const now = deps.clock();
  const outcome = recheckOutcome(row, found, deps.target, now);
  if (outcome.kind === "kept") {
    await deps.db
      .update(domains)
      .set({ checkedAt: now, routingVerified: outcome.routingVerified })
      .where(and(eq(domains.id, row.id), eq(domains.status, "verified")));
  } else if (outcome.kind === "lost") {
    await markLost(deps, row, outcome.verificationError, now);
  }
  return outcome;
}

/** Runs `work` over `items` with at most `concurrency` running at once. */
async function forEachBounded<T>(
  items: readonly T[],
  concurrency: number,
  work: (item: T) => Promise<unknown>,
): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, lane));
}

export interface RecheckOptions {
  /** A verified domain is looked up again once its last check is this old. */
  intervalMs: number;
  concurrency?: number;
  batchSize?: number;
}

/**
 * One pass over the verified domains due a check, across all workspaces: each whose record is
 * still there is kept (and checked again an interval later); each whose record is gone is
 * marked lost. Returns the outcomes counted by kind.
 */
export async function runDomainRecheckPass(
  deps: DomainCheckDependencies,
  options: RecheckOptions,
): Promise<Record<RecheckOutcome["kind"], number>> {
  const counts = { unknown: 0, kept: 0, lost: 0 };
  const dueBefore = new Date(deps.clock().getTime() - options.intervalMs);
  const batchSize = options.batchSize ?? 100;
  let after = "";
  for (;;) {
    const rows = await deps.db
      .select()
      .from(domains)
      .where(
        and(
          eq(domains.status, "verified"),
          or(isNull(domains.checkedAt), lt(domains.checkedAt, dueBefore)),
          gt(domains.id, after),
        ),
      )
      .orderBy(asc(domains.id))
      .limit(batchSize);
    await forEachBounded(rows, options.concurrency ?? defaultRecheckConcurrency, async (row) => {
      counts[(await recheckDomain(deps, row)).kind]++;
    });
    if (rows.length < batchSize) return counts;
    after = rows.at(-1)!.id;
  }
}
