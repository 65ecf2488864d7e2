import type { Database } from "../db/client.js";

/** How long a push stays claimed by the delivery that brought it first (24 h). */
export const defaultReplayWindowMs = 24 * 60 * 60 * 1000;

/**
 * One statement, so two deliveries of the same push racing each other can't both win: the
 * insert of the second waits on the first's row and then finds it claimed. A delivery keeps
 * its own claim (a retried job wins again), and a claim older than the window is taken over.
 */
const claimStatement = `
insert into github_push_claims (key, delivery_id, claimed_at) values ($1, $2, $3)
on conflict (key) do update set delivery_id = excluded.delivery_id, claimed_at = excluded.claimed_at
  where github_push_claims.delivery_id = excluded.delivery_id
    or github_push_claims.claimed_at <= excluded.claimed_at - make_interval(secs => $4::double precision / 1000)
returning delivery_id`;

/**
 * A few expired claims per claim made, so the table holds about one window of pushes. Rows
 * another transaction holds are skipped, so pruning never waits or deadlocks.
 */
const pruneStatement = `
delete from github_push_claims where key in (
  select key from github_push_claims
  where claimed_at < $1::timestamptz - make_interval(secs => $2::double precision / 1000)
  order by claimed_at limit 20 for update skip locked)`;

export type PushClaim = { won: true } | { won: false; ownerDeliveryId: string | undefined };

/**
 * Claims a push for a delivery: won when no other delivery brought the same push within the
 * window before it, else the delivery that did.
 */
export async function claimPush(
  db: Database,
  claim: { key: string; deliveryId: string; receivedAt: Date; windowMs: number },
): Promise<PushClaim> {
  const client = db.$client;
  const claimed = await client.query<{ delivery_id: string }>({
    name: "claim_github_push",
    text: claimStatement,
    values: [claim.key, claim.deliveryId, claim.receivedAt, claim.windowMs],
  });
  if (claimed.rows.length > 0) {
    await client.query({
      name: "prune_github_push_claims",
      text: pruneStatement,
      values: [claim.receivedAt, claim.windowMs],
    });
    return { won: true };
  }
  // A statement of its own, so it sees the winner even if that committed after ours began.
  const owner = await client.query<{ delivery_id: string }>({
    name: "github_push_claim_owner",
    text: "select delivery_id from github_push_claims where key = $1",
    values: [claim.key],
  });
  return { won: false, ownerDeliveryId: owner.rows[0]?.delivery_id };
}
