import { index, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { createdAt } from "./columns.js";
import { workspaceRef } from "./workspaces.js";

/** Root keys are stored as SHA-256 hashes; the plaintext is shown once, at creation. */
export const rootKeys = pgTable(
  "root_keys",
  {
    id: text("id").primaryKey(),
    workspaceId: workspaceRef(),
    name: text("name").notNull(),
    /** Hex SHA-256 of the whole key. */
    hash: text("hash").notNull(),
    /** The first characters of the key, so a person can tell keys apart without the secret. */
    start: text("start").notNull(),
    permissions: text("permissions").array().notNull(),
    createdAt: createdAt(),
    lastUsedAt: timestamp("last_used_at", { withTimezone: true }),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
  },
  (table) => [
    uniqueIndex("root_keys_hash_unique").on(table.hash),
    index("root_keys_workspace_idx").on(table.workspaceId),
  ],
);

export type RootKeyRow = typeof rootKeys.$inferSelect;
