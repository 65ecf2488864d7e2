import { pgTable, text } from "drizzle-orm/pg-core";
import { createdAt } from "./columns.js";

/** The tenant boundary: every other row carries a workspace id and is only read through it. */
export const workspaces = pgTable("workspaces", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  createdAt: createdAt(),
});

export type WorkspaceRow = typeof workspaces.$inferSelect;

/** The column by which another table belongs to a row of this one; deleting the owner deletes it. */
export const workspaceRef = () =>
  text("workspace_id")
    .notNull()
    .references(() => workspaces.id, { onDelete: "cascade" });
