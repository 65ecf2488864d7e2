import { index, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import { createdAt } from "./columns.js";
import { workspaceRef } from "./workspaces.js";

/**
 * One GitHub App install a workspace started (`github.installApp`): its nonce travels in the
 * signed state and in a cookie of the browser that started it, and is used once, when GitHub
 * sends that browser back to `/github/setup`.
 */
export const githubInstallFlows = pgTable(
  "github_install_flows",
  {
    nonce: text("nonce").primaryKey(),
    workspaceId: workspaceRef(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    usedAt: timestamp("used_at", { withTimezone: true }),
    createdAt: createdAt(),
  },
  (table) => [index("github_install_flows_expires_idx").on(table.expiresAt)],
);

export type GithubInstallFlowRow = typeof githubInstallFlows.$inferSelect;
