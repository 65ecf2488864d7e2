import { rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import { stopRecordedCluster } from "../cluster/stop-cluster.js";
import { readSettings } from "../config.js";
import { log, runCli } from "./run-cli.js";

runCli(async () => {
  const settings = readSettings(process.env);
  const state = await stopRecordedCluster(settings.stateFile);
  await rm(join(dirname(settings.stateFile), "kubeconfig"), { force: true });
  if (!state) {
    log("No testbed cluster is recorded as running; nothing to stop.");
    return;
  }
  log(`Stopped ${state.components.map((c) => c.name).join(", ")} and removed ${state.workDir}.`);
});
