import { sealedKeyContext } from "@slipway/keys";
import { notFound } from "@slipway/shared";
import { and, asc, eq, inArray, isNull } from "drizzle-orm";
import type { DatabaseOrTransaction } from "../db/client.js";
import {
  type ApiKeyRow,
  apiKeys,
  identities,
  keyPermissions,
  keyRatelimits,
  keyRoles,
  permissions,
  roles,
} from "../db/schema/index.js";
import type { ServiceContext } from "./context.js";
import { requireKeyRuntime } from "./keyspaces.js";
import type { TenantScope } from "./resolve.js";

/** A key of the caller's workspace that is not deleted, checked against the grant on its API. */
export async function resolveApiKey(scope: TenantScope, keyId: string): Promise<ApiKeyRow> {
  const [row] = await scope.db
    .select()
    .from(apiKeys)
    .where(
      and(
        eq(apiKeys.workspaceId, scope.workspaceId),
        eq(apiKeys.id, keyId),
        isNull(apiKeys.deletedAt),
      ),
    )
    .limit(1);
  if (!row) throw notFound(`Key '${keyId}'`);
  scope.access({ apiId: row.keyspaceId });
  return row;
}

const ratelimitView = (row: typeof keyRatelimits.$inferSelect) => ({
  id: row.id,
  name: row.name,
  limit: row.limit,
  duration: row.duration,
  autoApply: row.autoApply,
});

const groupBy = <T>(items: T[], keyOf: (item: T) => string | null) => {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    if (key !== null) groups.set(key, [...(groups.get(key) ?? []), item]);
  }
  return groups;
};

/**
 * The SDK's `KeyResponseData` for rows already checked: direct permissions, roles, limits,
 * identity and the live credit balance, a handful of queries for any number of keys.
 * `decrypt` opens recoverable keys only; the caller has checked `decrypt_key`.
 */
export async function keyViews(
  ctx: Pick<ServiceContext, "keys" | "cipher"> & { db: DatabaseOrTransaction },
  rows: ApiKeyRow[],
  decrypt: boolean,
) {
  const keys = requireKeyRuntime(ctx);
  const ids = rows.map((row) => row.id);
  const identityIds = [...new Set(rows.flatMap((row) => (row.identityId ? [row.identityId] : [])))];
  if (ids.length === 0) return [];
  // One after another: `ctx.db` may be a transaction, whose one connection runs one query at once.
  const directPermissions = await ctx.db
    .select({ keyId: keyPermissions.keyId, slug: permissions.slug })
    .from(keyPermissions)
    .innerJoin(permissions, eq(permissions.id, keyPermissions.permissionId))
    .where(inArray(keyPermissions.keyId, ids))
    .orderBy(asc(permissions.slug));
  const keyRoleRows = await ctx.db
    .select({ keyId: keyRoles.keyId, name: roles.name })
    .from(keyRoles)
    .innerJoin(roles, eq(roles.id, keyRoles.roleId))
    .where(inArray(keyRoles.keyId, ids))
    .orderBy(asc(roles.name));
  const limits = await ctx.db
    .select()
    .from(keyRatelimits)
    .where(inArray(keyRatelimits.keyId, ids))
    .orderBy(asc(keyRatelimits.name));
  const identityRows =
    identityIds.length > 0
      ? await ctx.db.select().from(identities).where(inArray(identities.id, identityIds))
      : [];
  const balances = await keys.verifier.ledger.balances(
    rows.filter((row) => row.creditsRemaining !== null).map((row) => row.id),
  );
  const identityLimits =
    identityIds.length > 0
      ? await ctx.db
          .select()
          .from(keyRatelimits)
          .where(inArray(keyRatelimits.identityId, identityIds))
          .orderBy(asc(keyRatelimits.name))
      : [];
  const permissionsByKey = groupBy(directPermissions, (row) => row.keyId);
  const rolesByKey = groupBy(keyRoleRows, (row) => row.keyId);
  const limitsByKey = groupBy(limits, (row) => row.keyId);
  const limitsByIdentity = groupBy(identityLimits, (row) => row.identityId);
  const identityById = new Map(identityRows.map((row) => [row.id, row]));

  return rows.map((row) => {
    const identity = row.identityId ? identityById.get(row.identityId) : undefined;
    const keyLimits = limitsByKey.get(row.id) ?? [];
    const identityLimitRows = identity ? (limitsByIdentity.get(identity.id) ?? []) : [];
    const sealed = decrypt && row.sealedKey && row.sealedKeyVersion !== null;
    return {
      keyId: row.id,
      start: row.start,
      enabled: row.enabled,
      ...(row.name !== null && { name: row.name }),
      ...(row.meta !== null && { meta: row.meta }),
      createdAt: row.createdAt.getTime(),
      ...(row.updatedAt && { updatedAt: row.updatedAt.getTime() }),
      ...(row.lastUsedAt && { lastUsedAt: row.lastUsedAt.getTime() }),
      ...(row.expiresAt && { expires: row.expiresAt.getTime() }),
      permissions: (permissionsByKey.get(row.id) ?? []).map((p) => p.slug),
      roles: (rolesByKey.get(row.id) ?? []).map((r) => r.name),
      ...(row.creditsRemaining !== null && {
        credits: {
          remaining: balances.get(row.id) ?? row.creditsRemaining,
          ...(row.refillInterval && {
            refill: {
              interval: row.refillInterval,
              amount: row.refillAmount ?? 0,
              ...(row.refillDay !== null && { refillDay: row.refillDay }),
            },
          }),
        },
      }),
      ...(identity && {
        identity: {
          id: identity.id,
          externalId: identity.externalId,
          ...(identity.meta !== null && { meta: identity.meta }),
          ...(identityLimitRows.length > 0 && { ratelimits: identityLimitRows.map(ratelimitView) }),
        },
      }),
      ...(sealed && {
        plaintext: ctx.cipher.open(
          {
            ciphertext: row.sealedKey!,
            iv: row.sealedKeyIv!,
            authTag: row.sealedKeyAuthTag!,
            wrappedDataKey: row.sealedKeyWrappedDataKey!,
            keyVersion: row.sealedKeyVersion!,
          },
          sealedKeyContext(row.id),
        ),
      }),
      ...(keyLimits.length > 0 && { ratelimits: keyLimits.map(ratelimitView) }),
    };
  });
}
