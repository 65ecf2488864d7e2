import { rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import { stopRecordedCluster } from "../cluster/stop-cluster.js";
import { readSettings } from "../config.js";
import { cleanupDeadNodeHost } from "../real-node/node-host.js";
import { DEFAULT_REAL_NODE_DIR } from "../real-node/real-node-provider.js";
import { log, runCli } from "./run-cli.js";

runCli(async () => {
  const settings = readSettings(process.env);
  const state = await stopRecordedCluster(settings.stateFile);
  await rm(join(dirname(settings.stateFile), "kubeconfig"), { force: true });
  // Also a real node of a run that was killed before it was recorded (or a test's cluster).
  if (await cleanupDeadNodeHost(DEFAULT_REAL_NODE_DIR)) {
    log(`Cleaned up what a stopped real node left in ${DEFAULT_REAL_NODE_DIR}.`);
  }
  if (!state) {
    log("No testbed cluster is recorded as running; nothing to stop.");
    return;
  }
  log(`Stopped ${state.components.map((c) => c.name).join(", ")} and removed ${state.workDir}.`);
});
