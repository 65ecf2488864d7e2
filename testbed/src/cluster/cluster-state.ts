import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import type { ComponentRecord } from "./components.js";

/** What `cluster:up` leaves behind for `cluster:down` (and for a second `cluster:up`). */
export interface ClusterState {
  version: 1;
  startedAt: string;
  workDir: string;
  kubeconfig: string;
  server: string;
  etcdUrl?: string;
  /** The real node's directory, if the cluster has one: down cleans the host with its record. */
  realNodeDir?: string;
  /** In start order; stopped in reverse. */
  components: ComponentRecord[];
}

export async function readClusterState(path: string): Promise<ClusterState | undefined> {
  try {
    const state = JSON.parse(await readFile(path, "utf8")) as ClusterState;
    return state.version === 1 ? state : undefined;
  } catch {
    return undefined;
  }
}

export async function writeClusterState(path: string, state: ClusterState): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, `${JSON.stringify(state, null, 2)}\n`);
  await rename(tmp, path);
}

export async function removeClusterState(path: string): Promise<void> {
  await rm(path, { force: true });
}
