import { sql } from "drizzle-orm";
import { check, pgTable, text, unique } from "drizzle-orm/pg-core";
import { createdAt, updatedAt, workspaceRef } from "./columns.js";

/** A namespace of `ratelimit.limit` (`rlns_…`), addressed by id or by name. */
export const ratelimitNamespaces = pgTable(
  "ratelimit_namespaces",
  {
    id: text("id").primaryKey(),
    workspaceId: workspaceRef(),
    name: text("name").notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (table) => [
    unique("ratelimit_namespaces_workspace_name_unique").on(table.workspaceId, table.name),
    unique("ratelimit_namespaces_workspace_id_unique").on(table.workspaceId, table.id),
    check("ratelimit_namespaces_name_length", sql`char_length(name) between 1 and 255`),
  ],
);

export type RatelimitNamespaceRow = typeof ratelimitNamespaces.$inferSelect;
