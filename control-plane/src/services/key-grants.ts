import {
  changeKeyPermissions,
  changeKeyRoles,
  ensurePermissions,
  type GrantMode,
  requireRoles,
} from "@slipway/keys";
import { notFound } from "@slipway/shared";
import { sql } from "drizzle-orm";
import type { DatabaseOrTransaction } from "../db/client.js";
import { recordAudit } from "./audit.js";
import type { ServiceContext } from "./context.js";
import { announceKeyChange } from "./key-change.js";
import { resolveApiKey } from "./key-views.js";
import { requireKeyRuntime } from "./keyspaces.js";
import { createPermissionGrant } from "./permissions.js";

/**
 * Runs one change to a key's direct permissions or roles: the key locked (two changes to it
 * run one after the other), its audit row in the same transaction, and afterwards every
 * process's cache drops the key, so a verify right after sees the change.
 */
async function changeKey<T>(
  ctx: ServiceContext,
  keyId: string,
  action: string,
  change: (scope: {
    db: DatabaseOrTransaction;
    workspaceId: string;
    keyId: string;
    now: Date;
  }) => Promise<{ result: T; names: string[] }>,
): Promise<T> {
  const keys = requireKeyRuntime(ctx);
  const now = ctx.clock();
  const { key, result } = await ctx.db.transaction(async (tx) => {
    const key = await resolveApiKey({ ...ctx, db: tx }, keyId);
    const locked = await tx.execute(sql`select 1 from api_keys where id = ${key.id} for update`);
    // A permanent delete may have committed since the lookup.
    if (locked.rows.length === 0) throw notFound(`Key '${keyId}'`);
    const { result, names } = await change({
      db: tx,
      workspaceId: ctx.workspaceId,
      keyId: key.id,
      now,
    });
    await recordAudit(tx, ctx, {
      action,
      targetType: "key",
      targetId: key.id,
      context: { apiId: key.keyspaceId, names },
    });
    return { key, result };
  });
  await announceKeyChange(keys, { hash: key.hash });
  return result;
}

/**
 * keys.addPermissions / setPermissions / removePermissions, by id or slug. Adding or setting
 * creates missing slugs with `rbac.*.create_permission` (a 403 without it); removing one
 * the workspace does not have is a 404 (one the key lacks changes nothing). Answers the key's direct permissions afterwards.
 */
export function changePermissionsOfKey(
  ctx: ServiceContext,
  mode: GrantMode,
  input: { keyId: string; permissions: string[] },
) {
  return changeKey(ctx, input.keyId, `key.${mode}_permissions`, async (scope) => {
    const rows = await ensurePermissions(
      scope,
      { refs: input.permissions, idsToo: true },
      (missing) => {
        if (mode === "remove") throw notFound(`Permissions ${missing.join(", ")}`);
        ctx.access.requirePermission(createPermissionGrant);
      },
    );
    const result = await changeKeyPermissions(scope, mode, rows);
    return { result, names: rows.map((row) => row.slug) };
  });
}

/**
 * keys.addRoles / setRoles / removeRoles, by id or name: every role must exist (a 404 names
 * the missing and changes nothing). Answers the key's roles afterwards.
 */
export function changeRolesOfKey(
  ctx: ServiceContext,
  mode: GrantMode,
  input: { keyId: string; roles: string[] },
) {
  return changeKey(ctx, input.keyId, `key.${mode}_roles`, async (scope) => {
    const rows = await requireRoles(scope, input.roles);
    const result = await changeKeyRoles(scope, mode, rows);
    return { result, names: rows.map((row) => row.name) };
  });
}
