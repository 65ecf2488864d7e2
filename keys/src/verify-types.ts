import type { RefillSchedule } from "./credit-refill.js";
import type { GrantedPermissions } from "./permission-query.js";

/** The SDK's `V2KeysVerifyKeyResponseData` codes. */
export type VerifyCode =
  | "VALID"
  | "NOT_FOUND"
  | "FORBIDDEN"
  | "INSUFFICIENT_PERMISSIONS"
  | "USAGE_EXCEEDED"
  | "RATE_LIMITED"
  | "DISABLED"
  | "EXPIRED";

/** The SDK's `RatelimitResponse`. */
export interface RatelimitConfig {
  id: string;
  name: string;
  limit: number;
  duration: number;
  autoApply: boolean;
}

/** The SDK's `VerifyKeyRatelimitData`; `reset` is a Unix ms time, as in `ratelimit.limit`. */
export interface VerifyRatelimitData extends RatelimitConfig {
  exceeded: boolean;
  reset: number;
  remaining: number;
}

/** The SDK's `Identity`. */
export interface IdentityData {
  id: string;
  externalId: string;
  meta?: Record<string, unknown>;
  ratelimits?: RatelimitConfig[];
}

/** Exactly the SDK's `V2KeysVerifyKeyResponseData` (a test parses results with its schema). */
export interface VerifyKeyResponseData {
  valid: boolean;
  code: VerifyCode;
  keyId?: string;
  name?: string;
  meta?: Record<string, unknown>;
  expires?: number;
  credits?: number;
  enabled?: boolean;
  permissions?: string[];
  roles?: string[];
  identity?: IdentityData;
  ratelimits?: VerifyRatelimitData[];
}

/** A verification's answer and the cached key it was decided on (absent when NOT_FOUND). */
export interface KeyVerdict {
  response: VerifyKeyResponseData;
  /** The cache's own entry, shared with every request until the key changes: do not modify. */
  key?: LoadedKey;
}

/** The SDK's `KeysVerifyKeyRatelimit`: a configured limit by name, optionally overridden. */
export interface RequestedRatelimit {
  name: string;
  cost?: number;
  limit?: number;
  duration?: number;
}

/** What verification needs of a key, loaded once and cached per process. */
export interface LoadedKey {
  id: string;
  workspaceId: string;
  keyspaceId: string;
  name?: string;
  meta?: Record<string, unknown>;
  enabled: boolean;
  /** Unix ms, or undefined for never. */
  expires?: number;
  /** Whether the key has a credit balance (the balance itself lives in Redis). */
  hasCredits: boolean;
  refill?: RefillSchedule;
  identity?: {
    id: string;
    externalId: string;
    meta?: Record<string, unknown>;
    ratelimits: RatelimitConfig[];
  };
  ratelimits: RatelimitConfig[];
  /** Slugs, direct and through roles, sorted. */
  permissions: string[];
  roles: string[];
  granted: GrantedPermissions;
}
