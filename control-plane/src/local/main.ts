import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { LocalBuildkit } from "@slipway/builder";
import { ConfigError } from "../config.js";
import { ensureLocalBaseImages } from "./base-images.js";
import { startLocalBuildkitd, startOwnRegistry } from "./build-stack.js";
import { type ChildService, stopChildService } from "./child-service.js";
import { type LocalCluster, startLocalCluster, stopRecordedLocalCluster } from "./cluster.js";
import { type LocalControlPlane, startLocalControlPlane } from "./control-plane.js";
import {
  localDataDir,
  localEncryptionKeys,
  localSentinelToken,
  postgresDataDir,
} from "./data-dir.js";
import { type LocalOperator, startLocalOperator } from "./operator.js";
import { type RunningPostgres, startPostgres } from "./postgres.js";
import { processRecordFile } from "./process-record.js";
import { ServiceStartError } from "./processes.js";
import { type RunningRedis, startRedis } from "./redis.js";
import { RunningServices } from "./running-services.js";
import { type LocalSentinel, startLocalSentinel } from "./sentinel.js";
import { controlPlaneEnv, LOCAL_APPS_NAMESPACE } from "./service-env.js";
import { makeStartPlan, type ServiceName, StartPlanError } from "./start-plan.js";
import { makeStartSummary } from "./start-summary.js";

/** What the services started so far offer to the ones after them. */
interface Started {
  postgres?: RunningPostgres;
  redis?: RunningRedis;
  cluster?: LocalCluster;
  registryHost?: string;
  buildkit?: LocalBuildkit;
  operator?: LocalOperator;
  controlPlane?: LocalControlPlane;
  sentinel?: LocalSentinel;
}

function need<T>(value: T | undefined, what: ServiceName): T {
  if (value === undefined) throw new Error(`bug: the start plan puts ${what} later than its users`);
  return value;
}

/**
 * `npm start`: the whole platform on this machine, in the start plan's order. Ctrl-C
 * (SIGINT or SIGTERM) stops everything started, in reverse order, also in the middle of a start.
 */
async function main() {
  const began = Date.now();
  const log = (line: string) =>
    process.stderr.write(`[slipway +${Math.round((Date.now() - began) / 1000)}s] ${line}\n`);
  const plan = makeStartPlan(process.env);
  const dataDir = localDataDir();
  const logDir = join(dataDir, "logs");
  mkdirSync(logDir, { recursive: true });
  const running = new RunningServices(processRecordFile(dataDir), log);
  let ready = false;
  let stopping = false;
  const stopEverything = async (signal: string) => {
    stopping = true;
    log(`${signal}: stopping everything`);
    await running.stopAll();
    log("stopped");
    process.exit(ready ? 0 : 130);
  };
  process.once("SIGINT", () => void stopEverything("SIGINT"));
  process.once("SIGTERM", () => void stopEverything("SIGTERM"));

  await running.stopLeftovers();
  const sentinelToken = localSentinelToken(dataDir);
  const child = (service: ChildService) =>
    running.add(service.name, () => stopChildService(service, 30_000), [
      { name: service.name, pid: service.pid, command: `${service.name}/src/main.ts` },
    ]);
  const s: Started = {};
  const starters: Record<ServiceName, () => Promise<void>> = {
    postgres: async () => {
      s.postgres = await startPostgres({ dataDir: postgresDataDir(dataDir), durable: true });
      const { pid } = s.postgres;
      running.add("postgres", need(s.postgres, "postgres").stop, [
        { name: "postgres", pid, command: "postgres", address: s.postgres.adminUrl },
      ]);
    },
    redis: async () => {
      s.redis = await startRedis({ dataDir: join(dataDir, "redis"), durable: true });
      running.add("redis", need(s.redis, "redis").stop, [
        { name: "redis", pid: s.redis.pid, command: "redis-server", address: s.redis.url },
      ]);
    },
    cluster: async () => {
      // Registered first: a testbed cluster records its processes as they start.
      running.add("cluster", () => s.cluster?.stop() ?? stopRecordedLocalCluster(dataDir));
      s.cluster = await startLocalCluster(plan.cluster, dataDir, log);
      s.registryHost = s.cluster.registryHost;
    },
    registry: async () => {
      const registry = await startOwnRegistry(dataDir);
      running.add("registry", registry.stop, [
        { name: "registry", pid: registry.process.pid, command: "registry", address: registry.url },
      ]);
      s.registryHost = registry.host;
    },
    buildkitd: async () => {
      const buildkit = await startLocalBuildkitd(dataDir, need(s.registryHost, "registry"), log);
      running.add("buildkitd", buildkit.stop, [
        {
          name: "buildkitd",
          pid: buildkit.process.pid,
          command: "buildkitd",
          address: buildkit.addr,
        },
      ]);
      s.buildkit = buildkit;
      // buildkitd resolves docker.io through the registry: the bases Dockerfiles name go there.
      await ensureLocalBaseImages(need(s.registryHost, "registry"), log);
    },
    operator: async () => {
      s.operator = await startLocalOperator({
        kubeconfig: need(s.cluster, "cluster").kubeconfig,
        appsNamespace: process.env.SLIPWAY_APPS_NAMESPACE ?? LOCAL_APPS_NAMESPACE,
        logDir,
        onSpawned: child,
      });
    },
    "control-plane": async () => {
      const postgres = need(s.postgres, "postgres");
      running.add("control plane", async () => s.controlPlane?.stop());
      s.controlPlane = await startLocalControlPlane(
        controlPlaneEnv(process.env, {
          databaseUrl: postgres.adminUrl,
          redisUrl: need(s.redis, "redis").url,
          kubeconfig: need(s.cluster, "cluster").kubeconfig,
          encryptionKeys: localEncryptionKeys(dataDir),
          sentinelToken,
          buildkitAddr: need(s.buildkit, "buildkitd").addr,
          registryHost: need(s.registryHost, "registry"),
          previewDomain: plan.previewDomain,
          sentinelPort: plan.sentinelPort,
        }),
        { newRootKey: process.argv.includes("--new-root-key") },
      );
    },
    sentinel: async () => {
      s.sentinel = await startLocalSentinel({
        databaseUrl: need(s.postgres, "postgres").adminUrl,
        redisUrl: need(s.redis, "redis").url,
        kubeconfig: need(s.cluster, "cluster").kubeconfig,
        port: plan.sentinelPort,
        controlPlaneUrl: need(s.controlPlane, "control-plane").url,
        sentinelToken,
        logDir,
        onSpawned: child,
      });
    },
  };

  try {
    for (const name of plan.services) {
      const stepStarted = Date.now();
      log(`starting ${name}`);
      await starters[name]();
      log(`${name} ready (${((Date.now() - stepStarted) / 1000).toFixed(1)} s)`);
    }
  } catch (error) {
    // A step cut short by Ctrl-C: stopEverything is already at work and exits when done.
    if (stopping) return;
    await running.stopAll();
    throw error;
  }
  if (stopping) return;
  ready = true;
  const summary = makeStartSummary({
    apiUrl: need(s.controlPlane, "control-plane").url,
    rootKey: s.controlPlane?.rootKey,
    sentinelAddress: need(s.sentinel, "sentinel").address,
    sentinelPort: plan.sentinelPort,
    previewDomain: plan.previewDomain,
    cluster: need(s.cluster, "cluster").description,
    kubeconfig: need(s.cluster, "cluster").kubeconfig,
    registryHost: need(s.registryHost, "registry"),
    buildkitAddr: need(s.buildkit, "buildkitd").addr,
    operatorUrl: need(s.operator, "operator").metricsUrl,
    dataDir,
  });
  process.stdout.write(`${summary.join("\n")}\n`);
  watchChildren([s.operator?.service, s.sentinel?.service], log, () => stopping);
}

/** A service that dies while the platform runs is said once, with where its log is. */
function watchChildren(
  services: (ChildService | undefined)[],
  log: (line: string) => void,
  stopping: () => boolean,
) {
  const reported = new Set<string>();
  setInterval(() => {
    if (stopping()) return;
    for (const service of services) {
      if (!service?.exit || reported.has(service.name)) continue;
      reported.add(service.name);
      log(
        `${service.name} exited (code ${service.exit.code ?? service.exit.signal}); see ${service.logFile}`,
      );
    }
  }, 2000).unref();
}

main().catch((error) => {
  if (
    error instanceof ServiceStartError ||
    error instanceof ConfigError ||
    error instanceof StartPlanError
  ) {
    process.stderr.write(`slipway: ${error.message}\n`);
  } else {
    process.stderr.write(`slipway: failed to start: ${(error as Error).stack ?? error}\n`);
  }
  process.exit(1);
});
