import { sql } from "drizzle-orm";
import { check, customType, integer, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { createdAt, updatedAt } from "./columns.js";
import { environmentRef } from "./environments.js";
import { workspaceRef } from "./workspaces.js";

const bytea = customType<{ data: Buffer }>({ dataType: () => "bytea" });

/**
 * Values are sealed with AES-256-GCM under a per-value data key; the data key is sealed under
 * the versioned master key named by `keyVersion`. Nothing here is readable without config.
 */
export const environmentVariables = pgTable(
  "environment_variables",
  {
    id: text("id").primaryKey(),
    workspaceId: workspaceRef(),
    environmentId: environmentRef(),
    key: text("key").notNull(),
    kind: text("kind", { enum: ["recoverable", "writeonly"] }).notNull(),
    description: text("description"),
    ciphertext: bytea("ciphertext").notNull(),
    iv: bytea("iv").notNull(),
    authTag: bytea("auth_tag").notNull(),
    wrappedDataKey: bytea("wrapped_data_key").notNull(),
    keyVersion: integer("key_version").notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (table) => [
    uniqueIndex("environment_variables_env_key_unique").on(table.environmentId, table.key),
    check("environment_variables_key_posix", sql`key ~ '^[A-Za-z_][A-Za-z0-9_]*$'`),
    check("environment_variables_kind", sql`kind in ('recoverable', 'writeonly')`),
  ],
);

export type EnvironmentVariableRow = typeof environmentVariables.$inferSelect;
