import { slugPatternSql } from "@slipway/shared";
import { sql } from "drizzle-orm";
import { boolean, check, index, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { createdAt, updatedAt } from "./columns.js";
import { projectRef } from "./projects.js";
import { workspaceRef } from "./workspaces.js";

export const apps = pgTable(
  "apps",
  {
    id: text("id").primaryKey(),
    workspaceId: workspaceRef(),
    projectId: projectRef(),
    name: text("name").notNull(),
    slug: text("slug").notNull(),
    /** `owner/name` of the GitHub repository the app deploys from. */
    gitRepository: text("git_repository"),
    /** The production branch: pushes to it deploy to the production environment. */
    gitDefaultBranch: text("git_default_branch"),
    deleteProtection: boolean("delete_protection").notNull().default(false),
    /** The one deployment serving the app's production domains; the source of `isCurrent`. */
    currentDeploymentId: text("current_deployment_id"),
    isRolledBack: boolean("is_rolled_back").notNull().default(false),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (table) => [
    uniqueIndex("apps_project_slug_unique").on(table.projectId, table.slug),
    index("apps_workspace_idx").on(table.workspaceId),
    check("apps_slug_dns_label", sql.raw(`slug ~ '${slugPatternSql}'`)),
  ],
);

export type AppRow = typeof apps.$inferSelect;

/** The column by which another table belongs to a row of this one; deleting the owner deletes it. */
export const appRef = () =>
  text("app_id")
    .notNull()
    .references(() => apps.id, { onDelete: "cascade" });
