import { z } from "zod";
import { permissionNameSchema } from "./api-key.js";
import { cursorSchema, limitSchema, searchSchema } from "./common.js";
import { plainText } from "./keyspace.js";

/** A permission or role named by its id or its slug (name). */
const refSchema = plainText(1, 512);
/** Permission refs in a request: ids (`perm_…`) or slugs; slugs must be valid names. */
const permissionRefsSchema = z.array(permissionNameSchema).max(1000);

/** The SDK's `Permission`. */
export const permissionSchema = z.object({
  id: z.string(),
  name: z.string(),
  slug: z.string(),
  description: z.string().optional(),
});
/** The SDK's `Role`. */
export const roleSchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().optional(),
  permissions: z.array(permissionSchema).optional(),
});

/** The SDK's `V2PermissionsCreatePermissionRequestBody`. */
export const createPermissionBody = z.strictObject({
  name: plainText(1, 512),
  slug: permissionNameSchema,
  description: plainText(0, 1024).optional(),
});
export const createPermissionData = z.object({ permissionId: z.string() });
/** `V2PermissionsGetPermissionRequestBody` and `…DeletePermissionRequestBody`. */
export const permissionRefBody = z.strictObject({ permission: refSchema });

/** The SDK's `V2PermissionsCreateRoleRequestBody`. */
export const createRoleBody = z.strictObject({
  name: plainText(1, 512),
  description: plainText(0, 1024).optional(),
  permissions: permissionRefsSchema.optional(),
});
export const createRoleData = z.object({ roleId: z.string() });
/** `V2PermissionsGetRoleRequestBody` and `…DeleteRoleRequestBody`. */
export const roleRefBody = z.strictObject({ role: refSchema });

/** The SDK's `V2PermissionsSetRolePermissionsRequestBody`: `roleId` is an id or a name. */
export const setRolePermissionsBody = z.strictObject({
  roleId: refSchema,
  permissions: permissionRefsSchema,
});

/** `V2PermissionsListPermissionsRequestBody` and `…ListRolesRequestBody`. */
export const listRbacBody = z.strictObject({
  limit: limitSchema,
  cursor: cursorSchema,
  search: searchSchema,
});

/** `V2KeysAddPermissionsRequestBody`, `…RemovePermissionsRequestBody`, `…SetPermissions…`. */
export const keyPermissionsBody = z.strictObject({
  keyId: plainText(3, 255),
  permissions: permissionRefsSchema,
});
/** `V2KeysAddRolesRequestBody`, `…RemoveRolesRequestBody`, `…SetRolesRequestBody`. */
export const keyRolesBody = z.strictObject({
  keyId: plainText(3, 255),
  roles: z.array(refSchema).max(1000),
});
