import type { Redis } from "ioredis";
import { defineLuaScript } from "./lua-script.js";

/**
 * The live credit balance of each key is a Redis hash { remaining, version }, changed only by
 * these scripts, so concurrent spends on any number of processes are exact and never go below
 * zero. Every change bumps `version` and records the key in a "dirty" sorted set scored by that
 * version; the write-back (credit-write-back.ts) copies balances to PostgreSQL guarded by the
 * version and clears the dirty mark only if no newer change came in meanwhile.
 */

// KEYS: balance, dirty set. ARGV: cost, key id, refill boundary (Unix ms, or "" without a
// refill), refill amount. A balance last refilled before the boundary is first set to the amount.
// Returns { status, remaining }: 1 spent, 0 not enough credits (nothing spent), -1 not loaded.
const spendScript = defineLuaScript(`
local remaining = redis.call('HGET', KEYS[1], 'remaining')
if not remaining then return { -1, 0 } end
remaining = tonumber(remaining)
local boundary = tonumber(ARGV[3])
if boundary and tonumber(redis.call('HGET', KEYS[1], 'refilledAt') or '0') < boundary then
  remaining = tonumber(ARGV[4])
  redis.call('HSET', KEYS[1], 'remaining', remaining, 'refilledAt', boundary)
  local version = redis.call('HINCRBY', KEYS[1], 'version', 1)
  redis.call('ZADD', KEYS[2], version, ARGV[2])
end
local cost = tonumber(ARGV[1])
if cost > remaining then return { 0, remaining } end
if cost > 0 then
  remaining = redis.call('HINCRBY', KEYS[1], 'remaining', -cost)
  local version = redis.call('HINCRBY', KEYS[1], 'version', 1)
  redis.call('ZADD', KEYS[2], version, ARGV[2])
end
return { 1, remaining }
`);

// KEYS: balance. ARGV: remaining, version, refilledAt from PostgreSQL. Loads only when absent.
const loadScript = defineLuaScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then
  redis.call('HSET', KEYS[1], 'remaining', ARGV[1], 'version', ARGV[2], 'refilledAt', ARGV[3])
end
return 1
`);

// KEYS: balance, dirty set. ARGV: operation (set | increment | decrement), value, key id.
// Returns { status, remaining } like spend; decrement stops at zero.
const adjustScript = defineLuaScript(`
local remaining = redis.call('HGET', KEYS[1], 'remaining')
if not remaining then return { -1, 0 } end
local value = tonumber(ARGV[2])
local next = value
if ARGV[1] == 'increment' then next = tonumber(remaining) + value end
if ARGV[1] == 'decrement' then next = math.max(0, tonumber(remaining) - value) end
redis.call('HSET', KEYS[1], 'remaining', next)
local version = redis.call('HINCRBY', KEYS[1], 'version', 1)
redis.call('ZADD', KEYS[2], version, ARGV[3])
return { 1, next }
`);

// KEYS: dirty set. ARGV: pairs of key id and the version written to PostgreSQL.
const clearDirtyScript = defineLuaScript(`
for i = 1, #ARGV, 2 do
  local score = redis.call('ZSCORE', KEYS[1], ARGV[i])
  if score and tonumber(score) <= tonumber(ARGV[i + 1]) then
    redis.call('ZREM', KEYS[1], ARGV[i])
  end
end
return 1
`);

// KEYS: balance, dirty set. ARGV: key id. For keys whose credits became unlimited or that were
// deleted: the balance and its dirty mark go together.
const forgetScript = defineLuaScript(`
redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], ARGV[1])
return 1
`);

export interface StoredBalance {
  remaining: number;
  version: number;
  /** Unix ms of the refill boundary last applied; 0 for never. */
  refilledAt: number;
}

/** A refill due at `boundary` (see credit-refill.ts) sets the balance to `amount` first. */
export interface DueRefill {
  boundary: number;
  amount: number;
}

export type CreditChange =
  | { operation: "set"; value: number }
  | { operation: "increment"; value: number }
  | { operation: "decrement"; value: number };

export interface SpendResult {
  spent: boolean;
  remaining: number;
}

export function createCreditLedger(options: { redis: Redis; prefix: string }) {
  const { redis, prefix } = options;
  const balanceKey = (keyId: string) => `${prefix}credits:${keyId}`;
  const dirtyKey = `${prefix}credits:dirty`;

  async function withLoad(
    keyId: string,
    attempt: () => Promise<[number, number]>,
    load: () => Promise<StoredBalance | undefined>,
  ): Promise<[number, number] | undefined> {
    const first = await attempt();
    if (first[0] !== -1) return first;
    const stored = await load();
    if (!stored) return undefined;
    await loadScript.run(
      redis,
      [balanceKey(keyId)],
      [stored.remaining, stored.version, stored.refilledAt],
    );
    return await attempt();
  }

  return {
    dirtyKey,
    balanceKey,

    /**
     * Spends `cost` if the balance covers it; cost 0 always passes. `load` reads the balance
     * from PostgreSQL the first time Redis has none (undefined: the key has no credits).
     */
    async spend(
      keyId: string,
      cost: number,
      load: () => Promise<StoredBalance | undefined>,
      refill?: DueRefill,
    ): Promise<SpendResult | undefined> {
      const outcome = await withLoad(
        keyId,
        async () =>
          (await spendScript.run(
            redis,
            [balanceKey(keyId), dirtyKey],
            [cost, keyId, refill?.boundary ?? "", refill?.amount ?? 0],
          )) as [number, number],
        load,
      );
      return outcome && { spent: outcome[0] === 1, remaining: outcome[1] };
    },

    async adjust(
      keyId: string,
      change: CreditChange,
      load: () => Promise<StoredBalance | undefined>,
    ): Promise<number | undefined> {
      const outcome = await withLoad(
        keyId,
        async () =>
          (await adjustScript.run(
            redis,
            [balanceKey(keyId), dirtyKey],
            [change.operation, change.value, keyId],
          )) as [number, number],
        load,
      );
      return outcome?.[1];
    },

    /**
     * The live balances of keys, for reads (getKey, listKeys); a key Redis holds none of yet
     * is absent, and its last written-back balance is the live one.
     */
    async balances(keyIds: readonly string[]): Promise<Map<string, number>> {
      const found = new Map<string, number>();
      if (keyIds.length === 0) return found;
      const pipeline = redis.pipeline();
      for (const keyId of keyIds) pipeline.hget(balanceKey(keyId), "remaining");
      const replies = (await pipeline.exec()) ?? [];
      keyIds.forEach((keyId, i) => {
        const [error, value] = replies[i] ?? [];
        if (!error && typeof value === "string") found.set(keyId, Number(value));
      });
      return found;
    },

    async forget(keyId: string): Promise<void> {
      await forgetScript.run(redis, [balanceKey(keyId), dirtyKey], [keyId]);
    },

    /** Up to `limit` keys with changes not yet written back, with their current balances. */
    async readDirty(limit: number): Promise<Array<{ keyId: string } & StoredBalance>> {
      const keyIds = await redis.zrange(dirtyKey, 0, limit - 1);
      if (keyIds.length === 0) return [];
      const pipeline = redis.pipeline();
      for (const keyId of keyIds) {
        pipeline.hmget(balanceKey(keyId), "remaining", "version", "refilledAt");
      }
      const replies = (await pipeline.exec()) ?? [];
      const balances: Array<{ keyId: string } & StoredBalance> = [];
      keyIds.forEach((keyId, i) => {
        const [error, values] = replies[i] ?? [];
        const [remaining, version, refilledAt] = (values as Array<string | null>) ?? [];
        if (error || remaining == null || version == null) return;
        balances.push({
          keyId,
          remaining: Number(remaining),
          version: Number(version),
          refilledAt: Number(refilledAt ?? 0),
        });
      });
      return balances;
    },

    async clearDirty(written: ReadonlyArray<{ keyId: string; version: number }>): Promise<void> {
      if (written.length === 0) return;
      await clearDirtyScript.run(
        redis,
        [dirtyKey],
        written.flatMap((entry) => [entry.keyId, entry.version]),
      );
    },
  };
}

export type CreditLedger = ReturnType<typeof createCreditLedger>;
