import { sql } from "drizzle-orm";
import { check, pgTable, text, unique } from "drizzle-orm/pg-core";
import { createdAt, updatedAt, workspaceRef } from "./columns.js";

/** A permission (`perm_…`); keys and roles refer to it by `slug`, as Unkey's v2 API does. */
export const permissions = pgTable(
  "permissions",
  {
    id: text("id").primaryKey(),
    workspaceId: workspaceRef(),
    name: text("name").notNull(),
    slug: text("slug").notNull(),
    description: text("description"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (table) => [
    unique("permissions_workspace_slug_unique").on(table.workspaceId, table.slug),
    // Names are unique too (createPermission answers 409 for either), so a concurrent pair
    // of creates cannot both win.
    unique("permissions_workspace_name_unique").on(table.workspaceId, table.name),
    unique("permissions_workspace_id_unique").on(table.workspaceId, table.id),
    check(
      "permissions_slug_pattern",
      sql`slug ~ '^[a-zA-Z0-9_:\\-\\.\\*]+$' and char_length(slug) <= 512`,
    ),
    check("permissions_name_length", sql`char_length(name) between 1 and 512`),
  ],
);

export type PermissionRow = typeof permissions.$inferSelect;
