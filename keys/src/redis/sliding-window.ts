import type { Redis } from "ioredis";
import { defineLuaScript } from "./lua-script.js";

/**
 * Exact sliding-window limits: every admitted request is an entry (its time and cost) in a
 * sorted set, and a hash keeps the sum of the costs in the window and a sequence for unique
 * members. One script checks any number of limits and admits all or none, so a multi-limit
 * request that fails one check leaves the others untouched ("rolled back": never applied).
 *
 * Per check i: KEYS[2i-1] the entries, KEYS[2i] the sum; ARGV: now (ms, or "" for Redis TIME),
 * then limit, duration, cost for each check. A check passes when `used + max(cost, 1) <= limit`:
 * cost 0 consumes nothing but still fails on an exhausted (or 0) limit.
 * Returns { passed, now, then per check: success, remaining, reset }.
 */
const slidingWindowScript = defineLuaScript(`
local now = tonumber(ARGV[1])
if not now then
  local time = redis.call('TIME')
  now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
end
local checks = #KEYS / 2
local used = {}
local pending = {}
local results = {}
local passed = 1
for i = 1, checks do
  local entries = KEYS[2 * i - 1]
  local sums = KEYS[2 * i]
  local limit = tonumber(ARGV[3 * i - 1])
  local duration = tonumber(ARGV[3 * i])
  local cost = tonumber(ARGV[3 * i + 1])
  if used[entries] == nil then
    local expired = redis.call('ZRANGEBYSCORE', entries, '-inf', now - duration)
    local total = tonumber(redis.call('HGET', sums, 'sum') or '0')
    for _, member in ipairs(expired) do
      total = total - tonumber(string.match(member, ':(%d+)$'))
    end
    if #expired > 0 then
      redis.call('ZREMRANGEBYSCORE', entries, '-inf', now - duration)
      redis.call('HSET', sums, 'sum', total)
    end
    used[entries] = total
    pending[entries] = 0
  end
  local current = used[entries] + pending[entries]
  local success = 0
  if current + math.max(cost, 1) <= limit then success = 1 end
  if success == 1 then pending[entries] = pending[entries] + cost else passed = 0 end
  local oldest = redis.call('ZRANGE', entries, 0, 0, 'WITHSCORES')
  local reset = now + duration
  if oldest[2] then reset = tonumber(oldest[2]) + duration end
  results[i] = { success, current + (success == 1 and cost or 0), reset }
end
if passed == 1 then
  for i = 1, checks do
    local entries = KEYS[2 * i - 1]
    local sums = KEYS[2 * i]
    local duration = tonumber(ARGV[3 * i])
    local cost = tonumber(ARGV[3 * i + 1])
    if cost > 0 then
      local sequence = redis.call('HINCRBY', sums, 'seq', 1)
      redis.call('ZADD', entries, now, sequence .. ':' .. cost)
      redis.call('HINCRBY', sums, 'sum', cost)
    end
    if redis.call('EXISTS', entries) == 1 then
      redis.call('PEXPIRE', entries, duration)
      redis.call('PEXPIRE', sums, duration)
    end
  end
end
local reply = { passed, now }
for i = 1, checks do
  local limit = tonumber(ARGV[3 * i - 1])
  local result = results[i]
  local success = result[1]
  if passed == 0 and success == 1 then
    -- Rolled back: nothing was admitted, so report what is left without this request.
    result[2] = result[2] - tonumber(ARGV[3 * i + 1])
  end
  table.insert(reply, success)
  table.insert(reply, math.max(0, limit - result[2]))
  table.insert(reply, result[3])
end
return reply
`);

export interface WindowCheck {
  /** The Redis key of this window (the sorted set; the sum lives beside it). */
  key: string;
  limit: number;
  /** Milliseconds. */
  duration: number;
  /** Default 1; 0 consumes nothing. */
  cost?: number;
}

export interface WindowResult {
  success: boolean;
  limit: number;
  remaining: number;
  /** Unix ms when the oldest counted request leaves the window. */
  reset: number;
}

export interface WindowOutcome {
  /** Every check passed and all were admitted; otherwise none was. */
  passed: boolean;
  results: WindowResult[];
  /** Redis failed and the configured policy (fail-open or fail-closed) answered instead. */
  answeredWithoutRedis?: true;
}

/** Runs the checks in one atomic script; `now` only for tests (default: Redis's clock). */
export async function checkWindows(
  redis: Redis,
  checks: readonly WindowCheck[],
  now?: number,
): Promise<WindowOutcome> {
  if (checks.length === 0) return { passed: true, results: [] };
  const keys: string[] = [];
  const args: (string | number)[] = [now === undefined ? "" : Math.floor(now)];
  for (const check of checks) {
    keys.push(`${check.key}:entries`, `${check.key}:sum`);
    args.push(check.limit, check.duration, check.cost ?? 1);
  }
  const reply = (await slidingWindowScript.run(redis, keys, args)) as number[];
  const results = checks.map((check, i) => ({
    success: reply[2 + 3 * i] === 1,
    limit: check.limit,
    remaining: reply[3 + 3 * i]!,
    reset: reply[4 + 3 * i]!,
  }));
  return { passed: reply[0] === 1, results };
}
