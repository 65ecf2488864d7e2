import { index, jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";

/**
 * Every GitHub webhook delivery, stored before any processing: the delivery id is GitHub's
 * `X-GitHub-Delivery`, so a redelivery finds its row and creates nothing new.
 */
export const githubDeliveries = pgTable(
  "github_deliveries",
  {
    id: text("id").primaryKey(),
    event: text("event").notNull(),
    action: text("action"),
    installationId: text("installation_id"),
    payload: jsonb("payload").$type<Record<string, unknown>>().notNull(),
    receivedAt: timestamp("received_at", { withTimezone: true }).notNull(),
    processedAt: timestamp("processed_at", { withTimezone: true }),
    /** Why processing gave up for good; transient failures are retried instead. */
    error: text("error"),
    /**
     * Set when this delivery carried a push (or pull request event) another delivery already
     * brought within the replay window: the delivery that did. Such a delivery deploys nothing.
     */
    duplicateOf: text("duplicate_of"),
  },
  (table) => [index("github_deliveries_unprocessed_idx").on(table.receivedAt)],
);

export type GithubDeliveryRow = typeof githubDeliveries.$inferSelect;
