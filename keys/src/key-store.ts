import { sql } from "drizzle-orm";
import type { NodePgDatabase } from "drizzle-orm/node-postgres";
import { grantPermissions } from "./permission-query.js";
import type { StoredBalance } from "./redis/credit-ledger.js";
import type { LoadedKey, RatelimitConfig } from "./verify-types.js";

interface KeyLookupRow extends Record<string, unknown> {
  id: string;
  workspace_id: string;
  keyspace_id: string;
  name: string | null;
  meta: Record<string, unknown> | null;
  enabled: boolean;
  expires_ms: string | null;
  has_credits: boolean;
  refill_interval: "daily" | "monthly" | null;
  refill_amount: string | null;
  refill_day: number | null;
  identity_id: string | null;
  external_id: string | null;
  identity_meta: Record<string, unknown> | null;
  permissions: string[];
  roles: string[];
  key_ratelimits: RatelimitConfig[];
  identity_ratelimits: RatelimitConfig[];
}

const ratelimitsJson = (owner: string) =>
  sql.raw(`
  coalesce((
    select json_agg(json_build_object('id', rl.id, 'name', rl.name, 'limit', rl."limit",
      'duration', rl.duration, 'autoApply', rl.auto_apply) order by rl.name)
    from key_ratelimits rl where ${owner}
  ), '[]'::json)`);

/**
 * Reads of the keys tables that verification needs; takes any drizzle database (the control
 * plane's, whose schema includes these tables, or Sentinel's) or a transaction.
 */
// biome-ignore lint/suspicious/noExplicitAny: any drizzle schema; only raw SQL runs here.
export function createKeyStore(db: NodePgDatabase<any>) {
  return {
    /** One round trip: the key, its identity, permissions (direct and by role), roles, limits. */
    async findByHash(hash: string): Promise<LoadedKey | undefined> {
      const result = await db.execute<KeyLookupRow>(sql`
        select k.id, k.workspace_id, k.keyspace_id, k.name, k.meta, k.enabled,
          (extract(epoch from k.expires_at) * 1000)::bigint::text as expires_ms,
          k.credits_remaining is not null as has_credits,
          k.refill_interval, k.refill_amount::text as refill_amount, k.refill_day,
          k.identity_id, i.external_id, i.meta as identity_meta,
          array(
            select distinct p.slug from permissions p
            where p.id in (
              select kp.permission_id from key_permissions kp where kp.key_id = k.id
              union
              select rp.permission_id from key_roles kr
              join role_permissions rp on rp.role_id = kr.role_id
              where kr.key_id = k.id)
            order by p.slug) as permissions,
          array(
            select r.name from key_roles kr join roles r on r.id = kr.role_id
            where kr.key_id = k.id order by r.name) as roles,
          ${ratelimitsJson("rl.key_id = k.id")} as key_ratelimits,
          ${ratelimitsJson("rl.identity_id = k.identity_id")} as identity_ratelimits
        from api_keys k
        left join identities i on i.id = k.identity_id and i.workspace_id = k.workspace_id
        where k.hash = ${hash} and k.deleted_at is null`);
      const row = result.rows[0];
      if (!row) return undefined;
      return {
        id: row.id,
        workspaceId: row.workspace_id,
        keyspaceId: row.keyspace_id,
        ...(row.name !== null && { name: row.name }),
        ...(row.meta !== null && { meta: row.meta }),
        enabled: row.enabled,
        ...(row.expires_ms !== null && { expires: Number(row.expires_ms) }),
        hasCredits: row.has_credits,
        ...(row.refill_interval !== null && {
          refill: {
            interval: row.refill_interval,
            amount: Number(row.refill_amount),
            ...(row.refill_day !== null && { refillDay: row.refill_day }),
          },
        }),
        ...(row.identity_id !== null && {
          identity: {
            id: row.identity_id,
            externalId: row.external_id!,
            ...(row.identity_meta !== null && { meta: row.identity_meta }),
            ratelimits: row.identity_ratelimits.map(numericLimits),
          },
        }),
        ratelimits: row.key_ratelimits.map(numericLimits),
        permissions: row.permissions,
        roles: row.roles,
        granted: grantPermissions(row.permissions),
      };
    },

    /** The balance last written back, to seed Redis; undefined when the key has no credits. */
    async readBalance(keyId: string): Promise<StoredBalance | undefined> {
      const result = await db.execute<{
        remaining: string | null;
        version: string;
        refilled_at: string | null;
      }>(sql`
        select credits_remaining::text as remaining, credits_version::text as version,
          (extract(epoch from last_refill_at) * 1000)::bigint::text as refilled_at
        from api_keys where id = ${keyId}`);
      const row = result.rows[0];
      if (!row || row.remaining === null) return undefined;
      return {
        remaining: Number(row.remaining),
        version: Number(row.version),
        refilledAt: Number(row.refilled_at ?? 0),
      };
    },

    /**
     * Copies balances from Redis, never backwards: a row only takes a newer version, and a key
     * whose credits became unlimited (null) meanwhile stays so.
     */
    async writeBalances(
      balances: ReadonlyArray<{ keyId: string } & StoredBalance>,
    ): Promise<number> {
      if (balances.length === 0) return 0;
      const result = await db.execute(sql`
        update api_keys as k
        set credits_remaining = v.remaining, credits_version = v.version,
          last_refill_at = case when v.refilled_at > 0
            then to_timestamp(v.refilled_at / 1000.0) else k.last_refill_at end
        from json_to_recordset(${JSON.stringify(
          balances.map((b) => ({
            id: b.keyId,
            remaining: b.remaining,
            version: b.version,
            refilled_at: b.refilledAt,
          })),
        )}::json) as v(id text, remaining bigint, version bigint, refilled_at bigint)
        where k.id = v.id and k.credits_version < v.version and k.credits_remaining is not null`);
      return result.rowCount ?? 0;
    },

    /** Moves `last_used_at` forward only: uses written late or twice never move it back. */
    async writeLastUsed(uses: ReadonlyArray<{ keyId: string; usedAt: number }>): Promise<number> {
      if (uses.length === 0) return 0;
      const result = await db.execute(sql`
        update api_keys as k set last_used_at = to_timestamp(v.used_at / 1000.0)
        from json_to_recordset(${JSON.stringify(
          uses.map((use) => ({ id: use.keyId, used_at: use.usedAt })),
        )}::json) as v(id text, used_at bigint)
        where k.id = v.id
          and (k.last_used_at is null or k.last_used_at < to_timestamp(v.used_at / 1000.0))`);
      return result.rowCount ?? 0;
    },
  };
}

export type KeyStore = ReturnType<typeof createKeyStore>;

/** bigint columns arrive from json_agg as JSON numbers already; this keeps the type honest. */
function numericLimits(limit: RatelimitConfig): RatelimitConfig {
  return { ...limit, limit: Number(limit.limit), duration: Number(limit.duration) };
}
