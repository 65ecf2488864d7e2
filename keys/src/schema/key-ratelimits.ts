import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  check,
  foreignKey,
  pgTable,
  text,
  uniqueIndex,
} from "drizzle-orm/pg-core";
import { apiKeys } from "./api-keys.js";
import { createdAt, updatedAt, workspaceRef } from "./columns.js";
import { identities } from "./identities.js";

/**
 * Named ratelimits (`rl_…`) of a key or of an identity (exactly one). A verify names them; a
 * key's limit wins over its identity's of the same name, and an identity's is shared by all
 * its keys. `auto_apply` ones apply on every verify.
 */
export const keyRatelimits = pgTable(
  "key_ratelimits",
  {
    id: text("id").primaryKey(),
    workspaceId: workspaceRef(),
    keyId: text("key_id"),
    identityId: text("identity_id"),
    name: text("name").notNull(),
    limit: bigint("limit", { mode: "number" }).notNull(),
    duration: bigint("duration", { mode: "number" }).notNull(),
    autoApply: boolean("auto_apply").notNull().default(false),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (table) => [
    foreignKey({
      name: "key_ratelimits_key_fk",
      columns: [table.workspaceId, table.keyId],
      foreignColumns: [apiKeys.workspaceId, apiKeys.id],
    }).onDelete("cascade"),
    foreignKey({
      name: "key_ratelimits_identity_fk",
      columns: [table.workspaceId, table.identityId],
      foreignColumns: [identities.workspaceId, identities.id],
    }).onDelete("cascade"),
    uniqueIndex("key_ratelimits_key_name_unique")
      .on(table.keyId, table.name)
      .where(sql`key_id is not null`),
    uniqueIndex("key_ratelimits_identity_name_unique")
      .on(table.identityId, table.name)
      .where(sql`identity_id is not null`),
    check("key_ratelimits_one_owner", sql`num_nonnulls(key_id, identity_id) = 1`),
    check("key_ratelimits_limit", sql`"limit" >= 0`),
    check("key_ratelimits_duration", sql`duration between 1000 and 2592000000`),
    check("key_ratelimits_name_length", sql`char_length(name) between 1 and 128`),
  ],
);

export type KeyRatelimitRow = typeof keyRatelimits.$inferSelect;
