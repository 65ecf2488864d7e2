import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  check,
  foreignKey,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  unique,
  uniqueIndex,
} from "drizzle-orm/pg-core";
import { bytea, createdAt, updatedAt, workspaceRef } from "./columns.js";
import { identities } from "./identities.js";
import { keyspaces } from "./keyspaces.js";

/**
 * API keys (`key_…`), looked up by `hash` = base64(SHA-256(key)); the key itself is never
 * stored in the clear. A recoverable key is also sealed with the env-var envelope encryption
 * (per-value data key under a versioned master key, key id bound as associated data).
 */
export const apiKeys = pgTable(
  "api_keys",
  {
    id: text("id").primaryKey(),
    workspaceId: workspaceRef(),
    keyspaceId: text("keyspace_id").notNull(),
    hash: text("hash").notNull(),
    start: text("start").notNull(),
    name: text("name"),
    meta: jsonb("meta").$type<Record<string, unknown>>(),
    identityId: text("identity_id"),
    enabled: boolean("enabled").notNull().default(true),
    expiresAt: timestamp("expires_at", { withTimezone: true }),
    /** null: unlimited. Redis holds the live balance; this is its last write-back. */
    creditsRemaining: bigint("credits_remaining", { mode: "number" }),
    /** The Redis balance's version at the last write-back; a write-back never goes backwards. */
    creditsVersion: bigint("credits_version", { mode: "number" }).notNull().default(0),
    refillInterval: text("refill_interval", { enum: ["daily", "monthly"] }),
    refillAmount: bigint("refill_amount", { mode: "number" }),
    refillDay: integer("refill_day"),
    lastRefillAt: timestamp("last_refill_at", { withTimezone: true }),
    sealedKey: bytea("sealed_key"),
    sealedKeyIv: bytea("sealed_key_iv"),
    sealedKeyAuthTag: bytea("sealed_key_auth_tag"),
    sealedKeyWrappedDataKey: bytea("sealed_key_wrapped_data_key"),
    sealedKeyVersion: integer("sealed_key_version"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    lastUsedAt: timestamp("last_used_at", { withTimezone: true }),
    /** Soft delete (Unkey's default); the row stays so the hash can never verify again. */
    deletedAt: timestamp("deleted_at", { withTimezone: true }),
  },
  (table) => [
    uniqueIndex("api_keys_hash_unique").on(table.hash),
    unique("api_keys_workspace_id_unique").on(table.workspaceId, table.id),
    foreignKey({
      name: "api_keys_keyspace_fk",
      columns: [table.workspaceId, table.keyspaceId],
      foreignColumns: [keyspaces.workspaceId, keyspaces.id],
    }).onDelete("cascade"),
    // No ON DELETE: SET NULL would clear workspace_id too; deleting an identity detaches its
    // keys first, in the same transaction.
    foreignKey({
      name: "api_keys_identity_fk",
      columns: [table.workspaceId, table.identityId],
      foreignColumns: [identities.workspaceId, identities.id],
    }),
    index("api_keys_keyspace_idx").on(table.keyspaceId, table.id).where(sql`deleted_at is null`),
    index("api_keys_identity_idx").on(table.identityId).where(sql`identity_id is not null`),
    check("api_keys_credits_not_negative", sql`credits_remaining >= 0`),
    check(
      "api_keys_refill_needs_credits",
      sql`refill_interval is null or (credits_remaining is not null and refill_amount is not null and refill_amount >= 0)`,
    ),
    check(
      "api_keys_refill_day",
      sql`coalesce(refill_interval = 'monthly', false) = (refill_day is not null) and (refill_day is null or refill_day between 1 and 31)`,
    ),
    check("api_keys_refill_interval", sql`refill_interval in ('daily', 'monthly')`),
    // Unkey's bound: 4102444800000 ms, 2100-01-01.
    check("api_keys_expires_bound", sql`expires_at <= '2100-01-01T00:00:00Z'`),
    check(
      "api_keys_sealed_all_or_none",
      sql`num_nulls(sealed_key, sealed_key_iv, sealed_key_auth_tag, sealed_key_wrapped_data_key, sealed_key_version) in (0, 5)`,
    ),
  ],
);

export type ApiKeyRow = typeof apiKeys.$inferSelect;
