import { foreignKey, pgTable, primaryKey, text } from "drizzle-orm/pg-core";
import { createdAt, workspaceRef } from "./columns.js";
import { permissions } from "./permissions.js";
import { roles } from "./roles.js";

/** Composite foreign keys keep both ends in the row's workspace. */
export const rolePermissions = pgTable(
  "role_permissions",
  {
    workspaceId: workspaceRef(),
    roleId: text("role_id").notNull(),
    permissionId: text("permission_id").notNull(),
    createdAt: createdAt(),
  },
  (table) => [
    primaryKey({ name: "role_permissions_pk", columns: [table.roleId, table.permissionId] }),
    foreignKey({
      name: "role_permissions_role_fk",
      columns: [table.workspaceId, table.roleId],
      foreignColumns: [roles.workspaceId, roles.id],
    }).onDelete("cascade"),
    foreignKey({
      name: "role_permissions_permission_fk",
      columns: [table.workspaceId, table.permissionId],
      foreignColumns: [permissions.workspaceId, permissions.id],
    }).onDelete("cascade"),
  ],
);

export type RolePermissionRow = typeof rolePermissions.$inferSelect;
