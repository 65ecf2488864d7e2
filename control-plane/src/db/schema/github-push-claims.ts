import { index, pgTable, text, timestamp } from "drizzle-orm/pg-core";

/**
 * Which delivery brought each push first: the key is what the push is (repository, ref,
 * before and after SHAs, push time; see `push-identity.ts`), so the same signed push sent
 * again under a new delivery id finds the claim and deploys nothing. A claim older than the
 * replay window may be taken over, and is pruned.
 */
export const githubPushClaims = pgTable(
  "github_push_claims",
  {
    key: text("key").primaryKey(),
    deliveryId: text("delivery_id").notNull(),
    /** When the claiming delivery was received. */
    claimedAt: timestamp("claimed_at", { withTimezone: true }).notNull(),
  },
  (table) => [index("github_push_claims_claimed_at_idx").on(table.claimedAt)],
);

export type GithubPushClaimRow = typeof githubPushClaims.$inferSelect;
