import { sql } from "drizzle-orm";
import { boolean, check, pgTable, text, unique } from "drizzle-orm/pg-core";
import { createdAt, updatedAt, workspaceRef } from "./columns.js";

/** What Unkey's SDK calls an API: a namespace of keys, `api_…`. */
export const keyspaces = pgTable(
  "keyspaces",
  {
    id: text("id").primaryKey(),
    workspaceId: workspaceRef(),
    name: text("name").notNull(),
    /** Whether keys may be created `recoverable` (stored encrypted); otherwise 412. */
    recoverableKeys: boolean("recoverable_keys").notNull().default(false),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (table) => [
    // The target of composite foreign keys, so a key can only join a keyspace of its workspace;
    // also the index of "keyspaces of a workspace".
    unique("keyspaces_workspace_id_unique").on(table.workspaceId, table.id),
    check("keyspaces_name_length", sql`char_length(name) between 3 and 255`),
  ],
);

export type KeyspaceRow = typeof keyspaces.$inferSelect;
