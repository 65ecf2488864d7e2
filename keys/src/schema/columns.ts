import { customType, pgTable, text, timestamp } from "drizzle-orm/pg-core";

/** Timestamps are timestamptz in the database and Unix milliseconds on the wire. */
export const createdAt = () => timestamp("created_at", { withTimezone: true }).notNull();
export const updatedAt = () => timestamp("updated_at", { withTimezone: true });

export const bytea = customType<{ data: Buffer }>({ dataType: () => "bytea" });

/**
 * The control plane owns the `workspaces` table; this package may not import it. This stand-in
 * names the same table so the foreign keys come out right, and is never exported: drizzle-kit
 * sees the control plane's definition only, and no query here reads workspaces.
 */
const workspaces = pgTable("workspaces", { id: text("id").primaryKey() });

/** Every table of this package belongs to a workspace; deleting the workspace deletes its rows. */
export const workspaceRef = () =>
  text("workspace_id")
    .notNull()
    .references(() => workspaces.id, { onDelete: "cascade" });
