import {
  ensurePermissions,
  findRole,
  createRole as insertRole,
  listRoles as listRoleRows,
  type RoleView,
  deleteRole as removeRole,
  setRolePermissions as replaceRolePermissions,
  roleViews,
} from "@slipway/keys";
import { type Page, toPage } from "../api-schemas/common.js";
import { recordAudit } from "./audit.js";
import type { ServiceContext } from "./context.js";
import { announceKeyChange } from "./key-change.js";
import { requireKeyRuntime } from "./keyspaces.js";
import { createPermissionGrant } from "./permissions.js";

/**
 * createRole: a name already taken is a 409. Permissions need `add_permission_to_role`, and
 * missing ones are created with `create_permission` (a 403 without it), as the SDK documents.
 */
export async function createRole(
  ctx: ServiceContext,
  input: { name: string; description?: string | undefined; permissions?: string[] | undefined },
) {
  const now = ctx.clock();
  const refs = input.permissions ?? [];
  if (refs.length > 0) ctx.access.requirePermission("rbac.*.add_permission_to_role");
  const row = await ctx.db.transaction(async (tx) => {
    const scope = { db: tx, workspaceId: ctx.workspaceId, now };
    const granted = await ensurePermissions(scope, { refs, idsToo: false }, () =>
      ctx.access.requirePermission(createPermissionGrant),
    );
    const row = await insertRole(scope, input, granted);
    await recordAudit(tx, ctx, {
      action: "role.create",
      targetType: "role",
      targetId: row.id,
      context: { name: row.name, permissions: granted.map((permission) => permission.slug) },
    });
    return row;
  });
  return { roleId: row.id };
}

/** getRole by id or name, with its permissions. */
export async function getRole(ctx: ServiceContext, ref: string): Promise<RoleView> {
  const [view] = await roleViews(ctx, [await findRole(ctx, ref)]);
  return view!;
}

/** listRoles: id order, `limit` a page, `cursor` the last id seen; each with its permissions. */
export async function listRoles(
  ctx: ServiceContext,
  input: { limit: number; cursor?: string | undefined; search?: string | undefined },
): Promise<Page<RoleView>> {
  const page = toPage(await listRoleRows(ctx, input), input.limit);
  return { ...page, items: await roleViews(ctx, page.items) };
}

/** deleteRole: every key loses it, and a verify right after (on any process) sees that. */
export async function deleteRole(ctx: ServiceContext, ref: string) {
  const keys = requireKeyRuntime(ctx);
  await ctx.db.transaction(async (tx) => {
    const row = await findRole({ db: tx, workspaceId: ctx.workspaceId }, ref, { forUpdate: true });
    await removeRole({ db: tx }, row);
    await recordAudit(tx, ctx, {
      action: "role.delete",
      targetType: "role",
      targetId: row.id,
      context: { name: row.name },
    });
  });
  await announceKeyChange(keys, { workspaceId: ctx.workspaceId });
}

/**
 * setRolePermissions: the role holds exactly these afterwards (missing ones are created with
 * `create_permission`); every key holding the role verifies with them at once. Answers the
 * role's permissions.
 */
export async function setRolePermissions(
  ctx: ServiceContext,
  input: { roleId: string; permissions: string[] },
) {
  const keys = requireKeyRuntime(ctx);
  ctx.access.requirePermission("rbac.*.remove_permission_from_role");
  const now = ctx.clock();
  const view = await ctx.db.transaction(async (tx) => {
    const scope = { db: tx, workspaceId: ctx.workspaceId, now };
    const role = await findRole(scope, input.roleId, { forUpdate: true });
    const granted = await ensurePermissions(scope, { refs: input.permissions, idsToo: false }, () =>
      ctx.access.requirePermission(createPermissionGrant),
    );
    await replaceRolePermissions(scope, role, granted);
    await recordAudit(tx, ctx, {
      action: "role.set_permissions",
      targetType: "role",
      targetId: role.id,
      context: { permissions: granted.map((permission) => permission.slug) },
    });
    const [view] = await roleViews(scope, [role]);
    return view!;
  });
  await announceKeyChange(keys, { workspaceId: ctx.workspaceId });
  return view.permissions ?? [];
}
