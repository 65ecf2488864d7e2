import { sql } from "drizzle-orm";
import { check, pgTable, text, unique } from "drizzle-orm/pg-core";
import { createdAt, updatedAt, workspaceRef } from "./columns.js";

/** A named set of permissions (`role_…`), unique by name in a workspace. */
export const roles = pgTable(
  "roles",
  {
    id: text("id").primaryKey(),
    workspaceId: workspaceRef(),
    name: text("name").notNull(),
    description: text("description"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (table) => [
    unique("roles_workspace_name_unique").on(table.workspaceId, table.name),
    unique("roles_workspace_id_unique").on(table.workspaceId, table.id),
    check("roles_name_length", sql`char_length(name) between 1 and 512`),
  ],
);

export type RoleRow = typeof roles.$inferSelect;
