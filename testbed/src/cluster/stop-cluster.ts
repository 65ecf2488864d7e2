import { rm } from "node:fs/promises";
import { cleanupDeadNodeHost } from "../real-node/node-host.js";
import { type ClusterState, readClusterState, removeClusterState } from "./cluster-state.js";
import { isComponentAlive, stopComponents } from "./components.js";

/** Stops whatever a state file describes and removes its files. Returns what it found. */
export async function stopRecordedCluster(stateFile: string): Promise<ClusterState | undefined> {
  const state = await readClusterState(stateFile);
  if (!state) return undefined;
  await stopComponents([...state.components].reverse());
  // Before the work directory goes: the node's mounts must be gone first.
  if (state.realNodeDir) await cleanupDeadNodeHost(state.realNodeDir);
  await rm(state.workDir, { recursive: true, force: true });
  await removeClusterState(stateFile);
  return state;
}

export function isRecordedClusterRunning(state: ClusterState): boolean {
  return state.components.length > 0 && state.components.every(isComponentAlive);
}
