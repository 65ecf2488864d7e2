import {
  findPermission,
  createPermission as insertPermission,
  listPermissions as listPermissionRows,
  type PermissionView,
  permissionView,
  deletePermission as removePermission,
} from "@slipway/keys";
import { type Page, toPage } from "../api-schemas/common.js";
import { recordAudit } from "./audit.js";
import type { ServiceContext } from "./context.js";
import { announceKeyChange } from "./key-change.js";
import { requireKeyRuntime } from "./keyspaces.js";

/** The permission every call that may create missing permissions needs for that. */
export const createPermissionGrant = "rbac.*.create_permission";

/** createPermission: a slug or name already taken is a 409. */
export async function createPermission(
  ctx: ServiceContext,
  input: { name: string; slug: string; description?: string | undefined },
) {
  const now = ctx.clock();
  const row = await ctx.db.transaction(async (tx) => {
    const row = await insertPermission({ db: tx, workspaceId: ctx.workspaceId, now }, input);
    await recordAudit(tx, ctx, {
      action: "permission.create",
      targetType: "permission",
      targetId: row.id,
      context: { slug: row.slug },
    });
    return row;
  });
  return { permissionId: row.id };
}

/** getPermission by id or slug. */
export async function getPermission(ctx: ServiceContext, ref: string): Promise<PermissionView> {
  return permissionView(await findPermission(ctx, ref));
}

/** listPermissions: id order, `limit` a page, `cursor` the last id seen. */
export async function listPermissions(
  ctx: ServiceContext,
  input: { limit: number; cursor?: string | undefined; search?: string | undefined },
): Promise<Page<PermissionView>> {
  const page = toPage(await listPermissionRows(ctx, input), input.limit);
  return { ...page, items: page.items.map(permissionView) };
}

/**
 * deletePermission: every key and role loses it, and a verify right after (on any process)
 * no longer finds it.
 */
export async function deletePermission(ctx: ServiceContext, ref: string) {
  const keys = requireKeyRuntime(ctx);
  await ctx.db.transaction(async (tx) => {
    const row = await findPermission({ db: tx, workspaceId: ctx.workspaceId }, ref);
    await removePermission({ db: tx }, row);
    await recordAudit(tx, ctx, {
      action: "permission.delete",
      targetType: "permission",
      targetId: row.id,
      context: { slug: row.slug },
    });
  });
  await announceKeyChange(keys, { workspaceId: ctx.workspaceId });
}
