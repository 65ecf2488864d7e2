import type { KeyRatelimit } from "../policy/keyratelimit.js";

/**
 * What a keyauth policy asks of the keys package. Sentinel calls it in-process for every
 * request a keyauth policy matches (no HTTP hop to the API); the implementation caches.
 */
export interface KeyVerificationRequest {
  key: string;
  /** The route's workspace; a key of any other workspace is NOT_FOUND (absent: every key is). */
  workspaceId?: string;
  /** Keyspace ids from the policy; the key must belong to one of them. */
  keyspaces: readonly string[];
  permissionQuery?: string;
  ratelimits?: readonly KeyRatelimit[];
  /** Credits to spend; 0 verifies only. */
  credits: number;
}

/** The verified key as the upstream sees it in `X-Unkey-Principal` (JSON). */
export interface Principal {
  keyId: string;
  keyspaceId: string;
  name?: string;
  identity?: { id: string; externalId: string; meta?: Record<string, unknown> };
  meta?: Record<string, unknown>;
  roles: string[];
  permissions: string[];
}

/** The SDK's `verifyKey` codes other than `VALID`. */
export type KeyRejection =
  | "NOT_FOUND"
  | "FORBIDDEN"
  | "INSUFFICIENT_PERMISSIONS"
  | "USAGE_EXCEEDED"
  | "RATE_LIMITED"
  | "DISABLED"
  | "EXPIRED";

export type KeyVerification =
  | { valid: true; principal: Principal; ratelimit?: RateLimitState }
  | { valid: false; code: KeyRejection; ratelimit?: RateLimitState };

export interface KeyVerifier {
  /**
   * The answer, or a promise of it: an implementation answers at once what it can answer from
   * memory (Sentinel calls this for every request; a promise per call shows there).
   */
  verify(request: KeyVerificationRequest): KeyVerification | Promise<KeyVerification>;
}

/** The state of one rate-limit counter after a request, for `X-RateLimit-*` headers. */
export interface RateLimitState {
  limit: number;
  remaining: number;
  /** Epoch milliseconds when the window resets. */
  reset: number;
}
