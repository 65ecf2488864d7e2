import { and, asc, eq, inArray } from "drizzle-orm";
import type { KeysDatabase } from "../keys-database.js";
import { keyPermissions } from "../schema/key-permissions.js";
import { keyRoles } from "../schema/key-roles.js";
import { type PermissionRow, permissions } from "../schema/permissions.js";
import { type RoleRow, roles } from "../schema/roles.js";
import { type PermissionView, permissionView } from "./permission-store.js";
import type { RoleView } from "./role-store.js";

/** A key whose direct permissions or roles change; the caller has resolved and checked it. */
export interface KeyGrantScope {
  db: KeysDatabase;
  workspaceId: string;
  keyId: string;
  now: Date;
}

export type GrantMode = "add" | "remove" | "set";

/**
 * Changes a key's direct permissions (never those it holds through roles): `add` keeps the
 * others, `remove` drops these, `set` leaves exactly these. Idempotent: adding one it holds or
 * removing one it lacks changes nothing. Returns its direct permissions afterwards.
 */
export async function changeKeyPermissions(
  scope: KeyGrantScope,
  mode: GrantMode,
  rows: PermissionRow[],
): Promise<PermissionView[]> {
  const { db, workspaceId, keyId, now } = scope;
  const ids = rows.map((row) => row.id);
  if (mode === "set") await db.delete(keyPermissions).where(eq(keyPermissions.keyId, keyId));
  if (mode === "remove" && ids.length > 0) {
    await db
      .delete(keyPermissions)
      .where(and(eq(keyPermissions.keyId, keyId), inArray(keyPermissions.permissionId, ids)));
  }
  if (mode !== "remove" && ids.length > 0) {
    await db
      .insert(keyPermissions)
      .values(ids.map((permissionId) => ({ workspaceId, keyId, permissionId, createdAt: now })))
      .onConflictDoNothing();
  }
  const direct = await db
    .select({ permission: permissions })
    .from(keyPermissions)
    .innerJoin(permissions, eq(permissions.id, keyPermissions.permissionId))
    .where(eq(keyPermissions.keyId, keyId))
    .orderBy(asc(permissions.slug));
  return direct.map((row) => permissionView(row.permission));
}

/**
 * Changes a key's roles like `changeKeyPermissions`; the roles exist (the caller found them).
 * Returns its roles afterwards, as the SDK's `Role` without their permissions.
 */
export async function changeKeyRoles(
  scope: KeyGrantScope,
  mode: GrantMode,
  rows: RoleRow[],
): Promise<RoleView[]> {
  const { db, workspaceId, keyId, now } = scope;
  const ids = rows.map((row) => row.id);
  if (mode === "set") await db.delete(keyRoles).where(eq(keyRoles.keyId, keyId));
  if (mode === "remove" && ids.length > 0) {
    await db.delete(keyRoles).where(and(eq(keyRoles.keyId, keyId), inArray(keyRoles.roleId, ids)));
  }
  if (mode !== "remove" && ids.length > 0) {
    await db
      .insert(keyRoles)
      .values(ids.map((roleId) => ({ workspaceId, keyId, roleId, createdAt: now })))
      .onConflictDoNothing();
  }
  const held = await db
    .select({ role: roles })
    .from(keyRoles)
    .innerJoin(roles, eq(roles.id, keyRoles.roleId))
    .where(eq(keyRoles.keyId, keyId))
    .orderBy(asc(roles.name));
  return held.map(({ role }) => ({
    id: role.id,
    name: role.name,
    ...(role.description !== null && { description: role.description }),
  }));
}
