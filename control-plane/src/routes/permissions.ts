import type { FastifyInstance } from "fastify";
import { emptyResponseSchema } from "../api-schemas/common.js";
import {
  createPermissionBody,
  createPermissionData,
  createRoleBody,
  createRoleData,
  listRbacBody,
  permissionRefBody,
  permissionSchema,
  roleRefBody,
  roleSchema,
  setRolePermissionsBody,
} from "../api-schemas/rbac.js";
import { type ContextFactory, defineListRoute, defineRoute } from "../http/define-route.js";
import {
  createPermission,
  deletePermission,
  getPermission,
  listPermissions,
} from "../services/permissions.js";
import {
  createRole,
  deleteRole,
  getRole,
  listRoles,
  setRolePermissions,
} from "../services/roles.js";

const rbac = (action: string) => ({ resource: "rbac" as const, action, scope: "all" as const });

/** `permissions.*`: the permissions and roles keys are granted, checked by verifyKey. */
export function permissionRoutes(app: FastifyInstance, makeContext: ContextFactory) {
  defineRoute(app, makeContext, {
    operation: "permissions.createPermission",
    summary: "Create a permission; its slug and name are unique in the workspace",
    permission: rbac("create_permission"),
    body: createPermissionBody,
    data: createPermissionData,
    handler: (ctx, body) => createPermission(ctx, body),
  });
  defineRoute(app, makeContext, {
    operation: "permissions.getPermission",
    summary: "Get a permission by id or slug",
    permission: rbac("read_permission"),
    body: permissionRefBody,
    data: permissionSchema,
    handler: (ctx, body) => getPermission(ctx, body.permission),
  });
  defineListRoute(app, makeContext, {
    operation: "permissions.listPermissions",
    summary: "List permissions in id order",
    permission: rbac("read_permission"),
    body: listRbacBody,
    data: permissionSchema,
    handler: (ctx, body) => listPermissions(ctx, body),
  });
  defineRoute(app, makeContext, {
    operation: "permissions.deletePermission",
    summary: "Delete a permission; every key and role loses it",
    permission: rbac("delete_permission"),
    body: permissionRefBody,
    data: emptyResponseSchema,
    handler: async (ctx, body) => {
      await deletePermission(ctx, body.permission);
      return {};
    },
  });
  defineRoute(app, makeContext, {
    operation: "permissions.createRole",
    summary: "Create a role, optionally with permissions (missing ones are created)",
    permission: rbac("create_role"),
    body: createRoleBody,
    data: createRoleData,
    handler: (ctx, body) => createRole(ctx, body),
  });
  defineRoute(app, makeContext, {
    operation: "permissions.getRole",
    summary: "Get a role by id or name, with its permissions",
    permission: rbac("read_role"),
    body: roleRefBody,
    data: roleSchema,
    handler: (ctx, body) => getRole(ctx, body.role),
  });
  defineListRoute(app, makeContext, {
    operation: "permissions.listRoles",
    summary: "List roles in id order, with their permissions",
    permission: rbac("read_role"),
    body: listRbacBody,
    data: roleSchema,
    handler: (ctx, body) => listRoles(ctx, body),
  });
  defineRoute(app, makeContext, {
    operation: "permissions.deleteRole",
    summary: "Delete a role; every key loses it",
    permission: rbac("delete_role"),
    body: roleRefBody,
    data: emptyResponseSchema,
    handler: async (ctx, body) => {
      await deleteRole(ctx, body.role);
      return {};
    },
  });
  defineRoute(app, makeContext, {
    operation: "permissions.setRolePermissions",
    summary: "Replace a role's permissions (missing ones are created); keys holding it follow",
    permission: rbac("add_permission_to_role"),
    body: setRolePermissionsBody,
    data: permissionSchema.array(),
    handler: (ctx, body) => setRolePermissions(ctx, body),
  });
}
