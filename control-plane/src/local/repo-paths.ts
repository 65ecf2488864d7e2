import { fileURLToPath } from "node:url";

/** The repository's root (this file lives in control-plane/src/local). */
export const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));

/**
 * argv that runs a workspace's TypeScript entry point in one node process (tsx as a loader,
 * not its CLI wrapper): the pid is the service's own, so signals reach it directly.
 */
export function tsEntryArgs(entry: string): string[] {
  return ["--import", "tsx", entry];
}
