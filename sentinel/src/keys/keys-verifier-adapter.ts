import {
  type KeyVerifier as KeysPackageVerifier,
  type LoadedKey,
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
type VerifyRequest = Parameters<KeysPackageVerifier["verifyWithKeyNow"]>[0];
type KeyVerdict = Awaited<ReturnType<KeysPackageVerifier["verifyWithKeyNow"]>>;

/** The counter a keyauth policy's `X-RateLimit-*` headers show: the one that refused, else the tightest. */
export function ratelimitStateOf(answer: VerifyAnswer): RateLimitState | undefined {
  const limits = answer.ratelimits ?? [];
  if (limits.length === 0) return undefined;
  const shown =
    limits.find((limit) => limit.exceeded) ??
    limits.reduce((tightest, limit) => (limit.remaining < tightest.remaining ? limit : tightest));
  return { limit: shown.limit, remaining: shown.remaining, reset: shown.reset };
}

/** The upstream's view of a key: everything in it changes only with the key (and its cache entry). */
export function principalOf(key: LoadedKey): Principal {
  return {
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
}

/**
 * Sentinel's keyauth, in-process: the keys package's verifier (its per-process cache, dropped
 * on every key change through Redis pub/sub, and its Redis ratelimits and credits) behind
 * `@slipway/shared/gateway`'s KeyVerifier. No HTTP hop to the API, and one cache lookup per
 * request: the principal is built from the entry the verifier decided on.
 */
export function keysVerifierAdapter(verifier: KeysPackageVerifier): KeyVerifier {
  // One principal per cache entry: a key change replaces the entry (a new object), so the old
  // principal is unreachable and collected with it; nothing here needs invalidating.
  const principals = new WeakMap<LoadedKey, Principal>();
  const principalFor = (key: LoadedKey): Principal => {
    let principal = principals.get(key);
    if (!principal) {
      principal = principalOf(key);
      principals.set(key, principal);
    }
    return principal;
  };

  const decide = (verdict: KeyVerdict): KeyVerification => {
    const { response, key } = verdict;
    const ratelimit = ratelimitStateOf(response);
    if (response.code !== "VALID" || !key) {
      const code = response.code === "VALID" ? "NOT_FOUND" : response.code;
      return ratelimit ? { valid: false, code, ratelimit } : { valid: false, code };
    }
    const principal = principalFor(key);
    return ratelimit ? { valid: true, principal, ratelimit } : { valid: true, principal };
  };
  // The policy names a ratelimit this key has not got: the key may not be used here.
  const refused = (error: unknown): KeyVerification => {
    if (error instanceof UnknownRatelimitError) return { valid: false, code: "FORBIDDEN" };
    throw error;
  };

  return {
    verify(request: KeyVerificationRequest): KeyVerification | Promise<KeyVerification> {
      // A route without a workspace (a hand-written config file) accepts no key at all.
      if (!request.workspaceId) return { valid: false, code: "NOT_FOUND" };
      const verifyRequest: VerifyRequest = {
        workspaceId: request.workspaceId,
        keyspaceIds: request.keyspaces,
        key: request.key,
        credits: { cost: request.credits },
      };
      if (request.permissionQuery) verifyRequest.permissionQuery = request.permissionQuery;
      if (request.ratelimits) verifyRequest.ratelimits = request.ratelimits;
      // A cached key without ratelimits or credits is answered without a promise.
      let verdict: ReturnType<KeysPackageVerifier["verifyWithKeyNow"]>;
      try {
        verdict = verifier.verifyWithKeyNow(verifyRequest);
      } catch (error) {
        return refused(error);
      }
      return verdict instanceof Promise ? verdict.then(decide, refused) : decide(verdict);
    },
  };
}
