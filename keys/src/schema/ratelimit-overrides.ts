import { sql } from "drizzle-orm";
import { bigint, check, foreignKey, pgTable, text, unique } from "drizzle-orm/pg-core";
import { createdAt, updatedAt, workspaceRef } from "./columns.js";
import { ratelimitNamespaces } from "./ratelimit-namespaces.js";

/**
 * A different limit for identifiers matching `identifier` (`*` = any run of characters,
 * anchored at both ends; see ratelimit-override.ts for which rule wins).
 */
export const ratelimitOverrides = pgTable(
  "ratelimit_overrides",
  {
    id: text("id").primaryKey(),
    workspaceId: workspaceRef(),
    namespaceId: text("namespace_id").notNull(),
    identifier: text("identifier").notNull(),
    limit: bigint("limit", { mode: "number" }).notNull(),
    duration: bigint("duration", { mode: "number" }).notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (table) => [
    foreignKey({
      name: "ratelimit_overrides_namespace_fk",
      columns: [table.workspaceId, table.namespaceId],
      foreignColumns: [ratelimitNamespaces.workspaceId, ratelimitNamespaces.id],
    }).onDelete("cascade"),
    unique("ratelimit_overrides_namespace_identifier_unique").on(
      table.namespaceId,
      table.identifier,
    ),
    check("ratelimit_overrides_identifier_length", sql`char_length(identifier) between 1 and 255`),
    check("ratelimit_overrides_limit", sql`"limit" >= 0`),
    check("ratelimit_overrides_duration", sql`duration between 1000 and 2592000000`),
  ],
);

export type RatelimitOverrideRow = typeof ratelimitOverrides.$inferSelect;
