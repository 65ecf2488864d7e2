import { foreignKey, index, pgTable, primaryKey, text } from "drizzle-orm/pg-core";
import { apiKeys } from "./api-keys.js";
import { createdAt, workspaceRef } from "./columns.js";
import { permissions } from "./permissions.js";

/** Permissions granted to a key directly (not through a role). */
export const keyPermissions = pgTable(
  "key_permissions",
  {
    workspaceId: workspaceRef(),
    keyId: text("key_id").notNull(),
    permissionId: text("permission_id").notNull(),
    createdAt: createdAt(),
  },
  (table) => [
    primaryKey({ name: "key_permissions_pk", columns: [table.keyId, table.permissionId] }),
    foreignKey({
      name: "key_permissions_key_fk",
      columns: [table.workspaceId, table.keyId],
      foreignColumns: [apiKeys.workspaceId, apiKeys.id],
    }).onDelete("cascade"),
    foreignKey({
      name: "key_permissions_permission_fk",
      columns: [table.workspaceId, table.permissionId],
      foreignColumns: [permissions.workspaceId, permissions.id],
    }).onDelete("cascade"),
    index("key_permissions_permission_idx").on(table.permissionId),
  ],
);

export type KeyPermissionRow = typeof keyPermissions.$inferSelect;
