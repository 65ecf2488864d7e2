/**
 * The operator process: validates its config, connects with $KUBECONFIG (or in-cluster),
 * serves /metrics, waits for the Lease and reconciles while it holds it. SIGTERM stops it
 * cleanly and releases the Lease; losing the Lease exits non-zero so the pod restarts.
 */
import { hostname } from "node:os";
import { KubeClient, loadKubeConnection } from "@slipway/shared/kube";
import { readConfig } from "./config.js";
import { installCrds } from "./crd/install-crds.js";
import { startOperator } from "./operator.js";
import { LeaderElector } from "./runtime/leader-election.js";
import { jsonLogger, type LogLevel } from "./runtime/logger.js";
import { Metrics } from "./runtime/metrics.js";

const log = jsonLogger((process.env.LOG_LEVEL as LogLevel | undefined) ?? "info");
let config: ReturnType<typeof readConfig>;
try {
  config = readConfig(process.env, hostname());
} catch (error) {
  log.error("invalid configuration", { err: error });
  process.exit(2);
}

const metrics = new Metrics();
const kube = new KubeClient(loadKubeConnection(process.env), ({ method, status }) =>
  metrics.inc("slipway_operator_kube_requests_total", { verb: method, code: String(status) }),
);
const server = await metrics.listen(config.metricsPort);
if (config.installCrds) await installCrds(kube);

const clock = () => new Date();
const shutdown = new AbortController();
process.once("SIGTERM", () => shutdown.abort());
process.once("SIGINT", () => shutdown.abort());

const lead = async () => {
  metrics.set("slipway_operator_is_leader", 1);
  const operator = startOperator({ kube, config, clock, log, metrics });
  return async () => {
    metrics.set("slipway_operator_is_leader", 0);
    await operator.stop();
  };
};

if (config.leaderElection.enabled) {
  const elector = new LeaderElector(kube, config.leaderElection, clock, log);
  log.info("waiting for the lease", { identity: config.leaderElection.identity });
  await elector.run(lead, shutdown.signal);
} else {
  const stop = await lead();
  await new Promise((resolve) => shutdown.signal.addEventListener("abort", resolve));
  await stop();
}

server.close();
kube.close();
// Reaching here without a shutdown request means the Lease was lost.
process.exit(shutdown.signal.aborted ? 0 : 1);
