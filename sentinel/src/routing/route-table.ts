import type { ConfigSnapshot, RouteConfig } from "@slipway/shared/gateway";
import {
  type CompiledPolicy,
  compilePolicies,
  keyLocationsOf,
} from "../policies/compile-policy.js";

export interface CompiledRoute {
  config: RouteConfig;
  policies: CompiledPolicy[];
  /** Header and query names redacted in logs: Authorization and every keyauth location. */
  redact: { headers: Set<string>; queryParams: Set<string> };
}

export interface RouteTable {
  readonly version: string;
  /** `host` is lower-case without a port. */
  lookup(host: string): CompiledRoute | undefined;
}

/** Compiles a snapshot once (matchers, regexes, rate-limit namespaces). Throws on a bad policy. */
export function compileRouteTable(snapshot: ConfigSnapshot): RouteTable {
  const byHost = new Map<string, CompiledRoute>();
  for (const config of snapshot.routes) {
    const route: CompiledRoute = {
      config,
      policies: compilePolicies(config.environmentId, config.policies),
      redact: keyLocationsOf(config.policies),
    };
    for (const host of config.hosts) byHost.set(host.toLowerCase(), route);
  }
  return { version: snapshot.version, lookup: (host) => byHost.get(host) };
}

/**
 * The route table in force. A new snapshot replaces it atomically; one that fails to compile
 * is refused and the last good table keeps serving.
 */
export class LiveRouteTable implements RouteTable {
  private table: RouteTable = { version: "none", lookup: () => undefined };
  /** When the table in force was loaded (epoch ms), for the config-age metric. */
  loadedAt = 0;
  loaded = false;

  constructor(private readonly now: () => number = Date.now) {}

  get version(): string {
    return this.table.version;
  }

  lookup(host: string): CompiledRoute | undefined {
    return this.table.lookup(host);
  }

  /** Returns the error when the snapshot was refused. */
  apply(snapshot: ConfigSnapshot): Error | undefined {
    try {
      this.table = compileRouteTable(snapshot);
      this.loadedAt = this.now();
      this.loaded = true;
      return undefined;
    } catch (error) {
      return error instanceof Error ? error : new Error(String(error));
    }
  }
}
