/**
 * Records a test's own cluster as the global setup records its cluster, as each process
 * starts: if the test run is killed, the next run's setup stops it and cleans the real node.
 */
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { inject } from "vitest";
import { type ClusterState, writeClusterState } from "../../src/cluster/cluster-state.js";
import type { ComponentRecord } from "../../src/cluster/components.js";
import type { TestbedSettings } from "../../src/config.js";
import { TEST_RUN_PID_KEY } from "../../src/global-setup.js";

declare module "vitest" {
  export interface ProvidedContext {
    [TEST_RUN_PID_KEY]: number;
  }
}

export interface RunRecord {
  stateFile: string;
  onComponentStarted(component: ComponentRecord, workDir: string): void;
  /** Waits for the writes; call before reading or removing the file. */
  flushed(): Promise<void>;
  remove(): Promise<void>;
}

export function recordTestCluster(
  settings: TestbedSettings,
  name: string,
  realNodeDir: string,
): RunRecord {
  const stateFile = join(
    settings.cacheDir,
    "test-clusters",
    `${inject(TEST_RUN_PID_KEY)}-${name}.json`,
  );
  const state: ClusterState = {
    version: 1,
    startedAt: new Date().toISOString(),
    workDir: "",
    kubeconfig: "",
    server: "",
    realNodeDir,
    components: [],
  };
  let pending: Promise<void> = Promise.resolve();
  return {
    stateFile,
    onComponentStarted(component, workDir) {
      state.workDir = workDir;
      state.components.push({ ...component });
      pending = pending.then(() => writeClusterState(stateFile, state));
    },
    flushed: () => pending,
    async remove() {
      await pending;
      await rm(stateFile, { force: true });
    },
  };
}
