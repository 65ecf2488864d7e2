import { index, pgTable, text } from "drizzle-orm/pg-core";
import { createdAt } from "./columns.js";
import { workspaceRef } from "./workspaces.js";

/**
 * Which workspace a GitHub App installation belongs to. Deliveries reach only the apps of the
 * workspace that installed the App, so naming someone else's repository on an app gets nothing.
 */
export const githubInstallations = pgTable(
  "github_installations",
  {
    installationId: text("installation_id").primaryKey(),
    workspaceId: workspaceRef(),
    accountLogin: text("account_login").notNull(),
    createdAt: createdAt(),
  },
  (table) => [index("github_installations_workspace_idx").on(table.workspaceId)],
);

export type GithubInstallationRow = typeof githubInstallations.$inferSelect;
