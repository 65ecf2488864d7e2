import type { RateLimitState } from "./key-verifier.js";

export interface RateLimitRequest {
  /**
   * The counter family: stable across a setPolicies that keeps the policy (derived from the
   * environment and the policy's content, never from its regenerated id).
   */
  namespace: string;
  /** The resolved identifier values joined; one counter per distinct value. */
  identifier: string;
  limit: number;
  windowMs: number;
  cost: number;
}

export interface RateLimitResult extends RateLimitState {
  success: boolean;
}

/** Rate limits shared by every Sentinel replica; the keys package implements it on Redis. */
export interface RateLimiter {
  limit(request: RateLimitRequest): Promise<RateLimitResult>;
}
