import { foreignKey, index, pgTable, primaryKey, text } from "drizzle-orm/pg-core";
import { apiKeys } from "./api-keys.js";
import { createdAt, workspaceRef } from "./columns.js";
import { roles } from "./roles.js";

export const keyRoles = pgTable(
  "key_roles",
  {
    workspaceId: workspaceRef(),
    keyId: text("key_id").notNull(),
    roleId: text("role_id").notNull(),
    createdAt: createdAt(),
  },
  (table) => [
    primaryKey({ name: "key_roles_pk", columns: [table.keyId, table.roleId] }),
    foreignKey({
      name: "key_roles_key_fk",
      columns: [table.workspaceId, table.keyId],
      foreignColumns: [apiKeys.workspaceId, apiKeys.id],
    }).onDelete("cascade"),
    foreignKey({
      name: "key_roles_role_fk",
      columns: [table.workspaceId, table.roleId],
      foreignColumns: [roles.workspaceId, roles.id],
    }).onDelete("cascade"),
    index("key_roles_role_idx").on(table.roleId),
  ],
);

export type KeyRoleRow = typeof keyRoles.$inferSelect;
