import { homedir } from "node:os";
import { join, resolve } from "node:path";

/**
 * Where Slipway keeps what it builds outside the repository (the testbed's Kubernetes, the
 * builder's BuildKit, helm): SLIPWAY_CACHE_DIR, else `$XDG_CACHE_HOME/slipway`, else
 * `~/.cache/slipway`. Pure: `env` and `home` are passed in.
 */
export function slipwayCacheDir(env: NodeJS.ProcessEnv, home: string = homedir()): string {
  return env.SLIPWAY_CACHE_DIR
    ? resolve(env.SLIPWAY_CACHE_DIR)
    : join(env.XDG_CACHE_HOME ? resolve(env.XDG_CACHE_HOME) : join(home, ".cache"), "slipway");
}
