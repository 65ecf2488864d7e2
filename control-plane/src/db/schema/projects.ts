import { sql } from "drizzle-orm";
import { boolean, check, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { slugPatternSql } from "@slipway/shared";
import { createdAt, updatedAt } from "./columns.js";
import { workspaces } from "./workspaces.js";

export const projects = pgTable(
  "projects",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
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
