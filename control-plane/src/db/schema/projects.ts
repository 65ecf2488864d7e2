import { slugPatternSql } from "@slipway/shared";
import { sql } from "drizzle-orm";
import { boolean, check, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { createdAt, updatedAt } from "./columns.js";
import { workspaceRef } from "./workspaces.js";

export const projects = pgTable(
  "projects",
  {
    id: text("id").primaryKey(),
    workspaceId: workspaceRef(),
    name: text("name").notNull(),
    slug: text("slug").notNull(),
    deleteProtection: boolean("delete_protection").notNull().default(false),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (table) => [
    uniqueIndex("projects_workspace_slug_unique").on(table.workspaceId, table.slug),
    check("projects_slug_dns_label", sql.raw(`slug ~ '${slugPatternSql}'`)),
  ],
);

export type ProjectRow = typeof projects.$inferSelect;

/** The column by which another table belongs to a row of this one; deleting the owner deletes it. */
export const projectRef = () =>
  text("project_id")
    .notNull()
    .references(() => projects.id, { onDelete: "cascade" });
