import type { StoredPolicy } from "../policy/policy.js";

export type UpstreamProtocol = "http1" | "h2c";

/** One environment's live traffic target as Sentinel needs it. */
export interface RouteConfig {
  /** Hostnames (lowercase, no port) that reach this deployment. */
  hosts: string[];
  /** The environment whose policies apply; also the rate-limit namespace. */
  environmentId: string;
  /**
   * The workspace that owns the environment: keyauth verifies only this workspace's keys.
   * Absent in hand-written config files, where keyauth then accepts no key.
   */
  workspaceId?: string;
  deploymentId: string;
  upstreamProtocol: UpstreamProtocol;
  /** In evaluation order. */
  policies: StoredPolicy[];
}

/**
 * Everything Sentinel routes by, as one immutable value. The control plane's loader (later:
 * from PostgreSQL, refreshed on LISTEN/NOTIFY) produces a new snapshot on every change and
 * Sentinel swaps it atomically; the last good snapshot keeps serving when the loader fails.
 */
export interface ConfigSnapshot {
  /** Changes with every snapshot; logged and exported as config age. */
  version: string;
  routes: RouteConfig[];
}

export interface ConfigSource {
  /** Resolves with the first snapshot; readiness waits for it. */
  load(): Promise<ConfigSnapshot>;
  /** Called with every later snapshot; returns an unsubscribe. */
  subscribe(onSnapshot: (snapshot: ConfigSnapshot) => void): () => void;
}
