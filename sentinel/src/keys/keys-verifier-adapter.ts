import {
  hashKey,
  type KeyStore,
  type KeyVerifier as KeysPackageVerifier,
  UnknownRatelimitError,
} from "@slipway/keys";
import type {
  KeyVerification,
  KeyVerificationRequest,
  KeyVerifier,
  Principal,
  RateLimitState,
} from "@slipway/shared/gateway";

type VerifyAnswer = Awaited<ReturnType<KeysPackageVerifier["verify"]>>;

/** The counter a keyauth policy's `X-RateLimit-*` headers show: the one that refused, else the tightest. */
export function ratelimitStateOf(answer: VerifyAnswer): RateLimitState | undefined {
  const limits = answer.ratelimits ?? [];
  if (limits.length === 0) return undefined;
  const shown =
    limits.find((limit) => limit.exceeded) ??
    limits.reduce((tightest, limit) => (limit.remaining < tightest.remaining ? limit : tightest));
  return { limit: shown.limit, remaining: shown.remaining, reset: shown.reset };
}

/**
 * Sentinel's keyauth, in-process: the keys package's verifier (its per-process cache, dropped
 * on every key change through Redis pub/sub, and its Redis ratelimits and credits) behind
 * `@slipway/shared/gateway`'s KeyVerifier. No HTTP hop to the API.
 */
export function keysVerifierAdapter(verifier: KeysPackageVerifier, store: KeyStore): KeyVerifier {
  return {
    async verify(request: KeyVerificationRequest): Promise<KeyVerification> {
      // A route without a workspace (a hand-written config file) accepts no key at all.
      if (!request.workspaceId) return { valid: false, code: "NOT_FOUND" };
      let answer: VerifyAnswer;
      try {
        answer = await verifier.verify({
          workspaceId: request.workspaceId,
          keyspaceIds: request.keyspaces,
          key: request.key,
          ...(request.permissionQuery ? { permissionQuery: request.permissionQuery } : {}),
          ...(request.ratelimits ? { ratelimits: request.ratelimits } : {}),
          credits: { cost: request.credits },
        });
      } catch (error) {
        // The policy names a ratelimit this key has not got: the key may not be used here.
        if (error instanceof UnknownRatelimitError) return { valid: false, code: "FORBIDDEN" };
        throw error;
      }
      const ratelimit = ratelimitStateOf(answer);
      const withLimit = ratelimit ? { ratelimit } : {};
      if (answer.code !== "VALID") return { valid: false, code: answer.code, ...withLimit };
      // The answer has no keyspace, roles or permissions unless a query was checked; the key
      // itself is in the verifier's cache (just loaded), so this is a map lookup.
      const key = await verifier.cache.get(hashKey(request.key), (hash) => store.findByHash(hash));
      if (!key) return { valid: false, code: "NOT_FOUND" };
      const principal: Principal = {
        keyId: key.id,
        keyspaceId: key.keyspaceId,
        ...(key.name !== undefined ? { name: key.name } : {}),
        ...(key.identity
          ? {
              identity: {
                id: key.identity.id,
                externalId: key.identity.externalId,
                ...(key.identity.meta ? { meta: key.identity.meta } : {}),
              },
            }
          : {}),
        ...(key.meta ? { meta: key.meta } : {}),
        roles: key.roles,
        permissions: key.permissions,
      };
      return { valid: true, principal, ...withLimit };
    },
  };
}
