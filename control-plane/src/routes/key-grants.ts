import type { FastifyInstance } from "fastify";
import {
  keyPermissionsBody,
  keyRolesBody,
  permissionSchema,
  roleSchema,
} from "../api-schemas/rbac.js";
import { type ContextFactory, defineRoute } from "../http/define-route.js";
import { changePermissionsOfKey, changeRolesOfKey } from "../services/key-grants.js";

const updateKey = { resource: "api", action: "update_key", scope: "object" } as const;
const permissionSummaries = {
  add: "Grant a key permissions (by id or slug; missing ones are created)",
  remove: "Take direct permissions (by id or slug) from a key",
  set: "Replace a key's direct permissions (missing ones are created)",
} as const;
const roleSummaries = {
  add: "Give a key roles (by id or name; they must exist)",
  remove: "Take roles (by id or name) from a key",
  set: "Replace a key's roles (they must exist)",
} as const;

/**
 * `keys.{add,remove,set}{Permissions,Roles}`: a key's direct permissions and roles. Each
 * answers what the key holds afterwards; a verify right after sees the change.
 */
export function keyGrantRoutes(app: FastifyInstance, makeContext: ContextFactory) {
  for (const mode of ["add", "remove", "set"] as const) {
    defineRoute(app, makeContext, {
      operation: `keys.${mode}Permissions`,
      summary: permissionSummaries[mode],
      permission: updateKey,
      body: keyPermissionsBody,
      data: permissionSchema.array(),
      handler: (ctx, body) => changePermissionsOfKey(ctx, mode, body),
    });
    defineRoute(app, makeContext, {
      operation: `keys.${mode}Roles`,
      summary: roleSummaries[mode],
      permission: updateKey,
      body: keyRolesBody,
      data: roleSchema.array(),
      handler: (ctx, body) => changeRolesOfKey(ctx, mode, body),
    });
  }
}
