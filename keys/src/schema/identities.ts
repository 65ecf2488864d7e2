import { sql } from "drizzle-orm";
import { check, jsonb, pgTable, text, unique } from "drizzle-orm/pg-core";
import { createdAt, updatedAt, workspaceRef } from "./columns.js";

/** Who a key belongs to in the customer's system (`id_…`); keys share its ratelimits. */
export const identities = pgTable(
  "identities",
  {
    id: text("id").primaryKey(),
    workspaceId: workspaceRef(),
    externalId: text("external_id").notNull(),
    meta: jsonb("meta").$type<Record<string, unknown>>(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (table) => [
    unique("identities_workspace_external_id_unique").on(table.workspaceId, table.externalId),
    unique("identities_workspace_id_unique").on(table.workspaceId, table.id),
    check("identities_external_id_length", sql`char_length(external_id) between 1 and 255`),
  ],
);

export type IdentityRow = typeof identities.$inferSelect;
