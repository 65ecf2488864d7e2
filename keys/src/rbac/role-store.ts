import { AppError, isId, newId, notFound } from "@slipway/shared";
import { and, asc, desc, eq, gt, ilike, inArray, or, sql } from "drizzle-orm";
import type { KeysDatabase } from "../keys-database.js";
import { type PermissionRow, permissions } from "../schema/permissions.js";
import { rolePermissions } from "../schema/role-permissions.js";
import { type RoleRow, roles } from "../schema/roles.js";
import { likePattern } from "./like-pattern.js";
import { type PermissionView, permissionView } from "./permission-store.js";

/** The SDK's `Role`. */
export interface RoleView {
  id: string;
  name: string;
  description?: string;
  permissions?: PermissionView[];
}

interface Scope {
  db: KeysDatabase;
  workspaceId: string;
  now: Date;
}

/** Refs that name a role by id (`role_…`); every other ref is a name. */
const splitRefs = (refs: string[]) => {
  const unique = [...new Set(refs)];
  return {
    ids: unique.filter((ref) => isId("role", ref)),
    names: unique.filter((ref) => !isId("role", ref)),
  };
};

/**
 * Roles by id or name; every one must exist (a 404 names the missing), none is created. They
 * stay locked against deletion until the caller's transaction ends (see `ensurePermissions`).
 */
export async function requireRoles(
  { db, workspaceId }: Omit<Scope, "now">,
  refs: string[],
): Promise<RoleRow[]> {
  const { ids, names } = splitRefs(refs);
  if (ids.length + names.length === 0) return [];
  const found = await db
    .select()
    .from(roles)
    .where(
      and(
        eq(roles.workspaceId, workspaceId),
        or(
          ids.length ? inArray(roles.id, ids) : undefined,
          // An id-shaped ref may also be a role's name (names are free text).
          inArray(roles.name, [...ids, ...names]),
        ),
      ),
    )
    .for("key share");
  // Each ref names one role: by id first (as `findRole`), else by name.
  const named = (ref: string) =>
    found.find((role) => role.id === ref) ?? found.find((role) => role.name === ref);
  const missing = [...ids, ...names].filter((ref) => !named(ref));
  if (missing.length > 0) throw notFound(`Roles ${missing.map((ref) => `'${ref}'`).join(", ")}`);
  return [...new Set([...ids, ...names].map((ref) => named(ref)!))];
}

/**
 * One role by id or name; 404 when there is none. `forUpdate` locks the row, so two requests
 * replacing its permissions run one after the other.
 */
export async function findRole(
  { db, workspaceId }: Omit<Scope, "now">,
  ref: string,
  options: { forUpdate?: boolean } = {},
): Promise<RoleRow> {
  const query = db
    .select()
    .from(roles)
    .where(
      and(
        eq(roles.workspaceId, workspaceId),
        isId("role", ref) ? or(eq(roles.id, ref), eq(roles.name, ref)) : eq(roles.name, ref),
      ),
    )
    .orderBy(desc(sql`${roles.id} = ${ref}`))
    .limit(1);
  const [row] = options.forUpdate ? await query.for("update") : await query;
  if (!row) throw notFound(`Role '${ref}'`);
  return row;
}

/** The SDK's `Role` of each row, with its permissions, in one query. */
export async function roleViews({ db }: Pick<Scope, "db">, rows: RoleRow[]): Promise<RoleView[]> {
  const ids = rows.map((row) => row.id);
  const granted = ids.length
    ? await db
        .select({ roleId: rolePermissions.roleId, permission: permissions })
        .from(rolePermissions)
        .innerJoin(permissions, eq(permissions.id, rolePermissions.permissionId))
        .where(inArray(rolePermissions.roleId, ids))
        .orderBy(asc(permissions.slug))
    : [];
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    ...(row.description !== null && { description: row.description }),
    permissions: granted
      .filter((grant) => grant.roleId === row.id)
      .map((grant) => permissionView(grant.permission)),
  }));
}

/** createRole: a name already taken is a 409. */
export async function createRole(
  scope: Scope,
  input: { name: string; description?: string | undefined },
  granted: PermissionRow[],
): Promise<RoleRow> {
  const { db, workspaceId, now } = scope;
  const [row] = await db
    .insert(roles)
    .values({
      id: newId("role", now.getTime()),
      workspaceId,
      name: input.name,
      description: input.description ?? null,
      createdAt: now,
    })
    .onConflictDoNothing()
    .returning();
  if (!row) throw new AppError("conflict", `A role named '${input.name}' already exists.`);
  await grantToRole(scope, row, granted);
  return row;
}

async function grantToRole(scope: Scope, role: RoleRow, granted: PermissionRow[]) {
  if (granted.length === 0) return;
  await scope.db
    .insert(rolePermissions)
    .values(
      granted.map((permission) => ({
        workspaceId: scope.workspaceId,
        roleId: role.id,
        permissionId: permission.id,
        createdAt: scope.now,
      })),
    )
    .onConflictDoNothing();
}

/** setRolePermissions: the role holds exactly these permissions afterwards. */
export async function setRolePermissions(scope: Scope, role: RoleRow, granted: PermissionRow[]) {
  await scope.db.delete(rolePermissions).where(eq(rolePermissions.roleId, role.id));
  await grantToRole(scope, role, granted);
}

/** Deletes a role; keys lose it by cascade. */
export async function deleteRole({ db }: Pick<Scope, "db">, role: RoleRow): Promise<void> {
  await db.delete(roles).where(eq(roles.id, role.id));
}

/** A page of the workspace's roles in id order; `search` matches id, name, description. */
export async function listRoles(
  { db, workspaceId }: Omit<Scope, "now">,
  page: { limit: number; cursor?: string | undefined; search?: string | undefined },
): Promise<RoleRow[]> {
  const pattern = page.search && likePattern(page.search);
  return db
    .select()
    .from(roles)
    .where(
      and(
        eq(roles.workspaceId, workspaceId),
        page.cursor ? gt(roles.id, page.cursor) : undefined,
        pattern
          ? or(
              ilike(roles.id, pattern),
              ilike(roles.name, pattern),
              ilike(roles.description, pattern),
            )
          : undefined,
      ),
    )
    .orderBy(asc(roles.id))
    .limit(page.limit + 1);
}
