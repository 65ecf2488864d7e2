import type { Redis } from "ioredis";
import { lastRefillBoundary } from "./credit-refill.js";
import { createKeyCache, type KeyCache, type KeyCacheOptions } from "./key-cache.js";
import { hashKey } from "./key-material.js";
import type { KeyStore } from "./key-store.js";
import { createLastUsedTracker, type LastUsedOptions } from "./last-used.js";
import {
  evaluatePermissionQuery,
  type PermissionQuery,
  parsePermissionQuery,
} from "./permission-query.js";
import { type CreditLedger, createCreditLedger } from "./redis/credit-ledger.js";
import { createRatelimiter, type Ratelimiter } from "./redis/ratelimiter.js";
import { keyResponse, keyStateCode, notFound, planRatelimits } from "./verify-decision.js";
import type {
  KeyVerdict,
  LoadedKey,
  RequestedRatelimit,
  VerifyKeyResponseData,
  VerifyRatelimitData,
} from "./verify-types.js";

export interface VerifyKeyRequest {
  /** The caller's workspace: a key of any other is NOT_FOUND. */
  workspaceId: string;
  /** The keyspaces (the SDK's APIs) the caller may verify in; undefined means all of them. */
  keyspaceIds?: readonly string[];
  key: string;
  /** e.g. `documents.read AND (billing.read OR admin)`; a bad one throws PermissionQueryError. */
  permissionQuery?: string;
  ratelimits?: readonly RequestedRatelimit[];
  credits?: { cost: number };
}

export class VerifyInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "VerifyInputError";
  }
}

export interface KeyVerifierOptions {
  store: KeyStore;
  redis: Redis;
  /** Prefix of every Redis key and channel this package uses. */
  redisPrefix: string;
  /** Ratelimits and credits when Redis fails: admit (default) or refuse; both are counted. */
  whenRedisFails?: "open" | "closed";
  cache?: KeyCacheOptions;
  /** How often a key's use is queued for `last_used_at` (see last-used.ts). */
  lastUsed?: LastUsedOptions;
  now?: () => number;
  /** Told of each ratelimit check answered without Redis (to log it). */
  onRedisFailure?: (error: unknown, answer: "open" | "closed") => void;
}

const parsedQueriesMax = 1000;

/**
 * Verification in-process: what Sentinel's keyauth policy and the control plane's verifyKey
 * call. Order: not found / disabled / expired, then permissions, then ratelimits (all or
 * nothing), then credits, so a rate-limited request spends no credits.
 */
export function createKeyVerifier(options: KeyVerifierOptions) {
  const now = options.now ?? Date.now;
  const cache: KeyCache = createKeyCache({ now, ...options.cache });
  const lastUsed = createLastUsedTracker({ now, ...options.lastUsed });
  const ratelimiter: Ratelimiter = createRatelimiter({
    redis: options.redis,
    ...(options.whenRedisFails && { whenRedisFails: options.whenRedisFails }),
    ...(options.onRedisFailure && { onRedisFailure: options.onRedisFailure }),
  });
  const ledger: CreditLedger = createCreditLedger({
    redis: options.redis,
    prefix: options.redisPrefix,
  });
  const failOpen = (options.whenRedisFails ?? "open") === "open";
  const creditFailures = { failedOpen: 0, failedClosed: 0 };
  const parsedQueries = new Map<string, PermissionQuery>();
  const loadKey = (hash: string) => options.store.findByHash(hash);

  function parseQuery(query: string): PermissionQuery {
    let parsed = parsedQueries.get(query);
    if (!parsed) {
      parsed = parsePermissionQuery(query);
      if (parsedQueries.size >= parsedQueriesMax) parsedQueries.clear();
      parsedQueries.set(query, parsed);
    }
    return parsed;
  }

  function ratelimitKey(scope: ReturnType<typeof planRatelimits>[number]["scope"], name: string) {
    return scope.kind === "key"
      ? `${options.redisPrefix}rl:key:${scope.keyId}:${name}`
      : `${options.redisPrefix}rl:identity:${scope.identityId}:${name}`;
  }

  /**
   * The answer and the cached key it was decided on (absent when NOT_FOUND), so a caller that
   * needs more of the key than the SDK's answer carries (Sentinel's principal) reads the same
   * entry instead of looking the key up again. Answered without a promise when nothing has to
   * wait (a cached key, no ratelimit, no credits): Sentinel verifies on every request, where a
   * chain of promises per verify showed in profiles. Bad input throws synchronously.
   */
  function verifyWithKeyNow(request: VerifyKeyRequest): KeyVerdict | Promise<KeyVerdict> {
    const query =
      request.permissionQuery === undefined ? undefined : parseQuery(request.permissionQuery);
    const cost = request.credits?.cost;
    if (cost !== undefined && (!Number.isSafeInteger(cost) || cost < 0)) {
      throw new VerifyInputError("credits.cost must be a non-negative integer");
    }
    const found = cache.current(hashKey(request.key), loadKey);
    return found instanceof Promise
      ? found.then((key) => decide(key, request, query))
      : decide(found, request, query);
  }

  function decide(
    key: LoadedKey | undefined,
    request: VerifyKeyRequest,
    query: PermissionQuery | undefined,
  ): KeyVerdict | Promise<KeyVerdict> {
    const stateCode = keyStateCode(key, request, now());
    if (!key || stateCode === "NOT_FOUND") return { response: notFound() };
    // Any verification of a key the caller may see is a use, whatever its outcome.
    lastUsed.touch(key.id);
    if (stateCode) return { response: keyResponse(key, stateCode), key };
    const response = verifyUsable(key, request, query);
    return response instanceof Promise
      ? response.then((settled) => ({ response: settled, key }))
      : { response, key };
  }

  async function verifyWithKey(request: VerifyKeyRequest): Promise<KeyVerdict> {
    return await verifyWithKeyNow(request);
  }

  /** Permissions, then ratelimits, then credits, for a key that exists, is enabled and unexpired. */
  function verifyUsable(
    key: LoadedKey,
    request: VerifyKeyRequest,
    query: PermissionQuery | undefined,
  ): VerifyKeyResponseData | Promise<VerifyKeyResponseData> {
    const permissionFields = query ? { permissions: key.permissions, roles: key.roles } : {};
    if (query && !evaluatePermissionQuery(query, key.granted)) {
      return keyResponse(key, "INSUFFICIENT_PERMISSIONS", permissionFields);
    }
    const planned = planRatelimits(key, request.ratelimits);
    // Nothing to count in Redis: the answer is known now.
    if (planned.length === 0 && !key.hasCredits) return keyResponse(key, "VALID", permissionFields);
    return verifyCounted(key, request, planned, permissionFields);
  }

  /** Ratelimits (all or nothing), then credits: the part of a verify that waits for Redis. */
  async function verifyCounted(
    key: LoadedKey,
    request: VerifyKeyRequest,
    planned: ReturnType<typeof planRatelimits>,
    permissionFields: Partial<VerifyKeyResponseData>,
  ): Promise<VerifyKeyResponseData> {
    const cost = request.credits?.cost;
    let ratelimits: VerifyRatelimitData[] | undefined;
    if (planned.length > 0) {
      const outcome = await ratelimiter.check(
        planned.map((plan) => ({
          key: ratelimitKey(plan.scope, plan.config.name),
          limit: plan.config.limit,
          duration: plan.config.duration,
          cost: plan.cost,
        })),
      );
      ratelimits = planned.map((plan, i) => {
        const result = outcome.results[i]!;
        return {
          ...plan.config,
          exceeded: !result.success,
          remaining: result.remaining,
          reset: result.reset,
        };
      });
      if (!outcome.passed) {
        return keyResponse(key, "RATE_LIMITED", { ...permissionFields, ratelimits });
      }
    }
    const limitFields = ratelimits ? { ratelimits } : {};

    if (key.hasCredits) {
      let spent: { spent: boolean; remaining: number } | undefined;
      try {
        const refill = key.refill && {
          boundary: lastRefillBoundary(key.refill, now()),
          amount: key.refill.amount,
        };
        spent = await ledger.spend(
          key.id,
          cost ?? 1,
          () => options.store.readBalance(key.id),
          refill,
        );
      } catch {
        if (!failOpen) {
          creditFailures.failedClosed++;
          return keyResponse(key, "USAGE_EXCEEDED", { ...permissionFields, ...limitFields });
        }
        creditFailures.failedOpen++;
      }
      if (spent && !spent.spent) {
        return keyResponse(key, "USAGE_EXCEEDED", {
          ...permissionFields,
          ...limitFields,
          credits: spent.remaining,
        });
      }
      if (spent) {
        return keyResponse(key, "VALID", {
          ...permissionFields,
          ...limitFields,
          credits: spent.remaining,
        });
      }
    }
    return keyResponse(key, "VALID", { ...permissionFields, ...limitFields });
  }

  return {
    /** Exactly the SDK's verifyKey answer (the control plane's route returns it as is). */
    verify: async (request: VerifyKeyRequest): Promise<VerifyKeyResponseData> =>
      (await verifyWithKey(request)).response,
    verifyWithKey,
    verifyWithKeyNow,
    cache,
    ledger,
    /** Uses waiting to be written to `last_used_at` (startKeyVerification writes them). */
    lastUsed,
    /** Redis failures answered by policy: ratelimit checks and credit spends. */
    failures: { ratelimits: ratelimiter.failures, credits: creditFailures },
  };
}

export type KeyVerifier = ReturnType<typeof createKeyVerifier>;
