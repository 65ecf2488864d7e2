/**
 * Sentinel's composition root: config, route table, instances, policy services, log sink,
 * metrics, server; one worker per core (cluster/run-sentinel.ts) with the admin port in the
 * primary; graceful drain on SIGTERM/SIGINT.
 */
import { newId } from "@slipway/shared";
import { KubeClient, loadKubeConnection } from "@slipway/shared/kube";
import { runSentinel, type SentinelWorker } from "./cluster/run-sentinel.js";
import { ConfigError, loadConfig, type SentinelEnv, watchesCluster } from "./config.js";
import { H2cForwarder } from "./forward/h2c-forwarder.js";
import { RawHttp1Forwarder } from "./forward/raw/raw-http1-forwarder.js";
import { LogBatcher } from "./logs/log-batcher.js";
import { RequestMetrics } from "./metrics/request-metrics.js";
import { parseTrustedProxies } from "./request/client-ip.js";
import { EndpointSliceInstanceSource } from "./routing/endpoint-slice-source.js";
import { type InstanceSource, StaticInstanceSource } from "./routing/instances.js";
import { LiveRouteTable } from "./routing/route-table.js";
import { SentinelServer } from "./server/listener.js";
import { wakeFromConfig } from "./wake/wake-from-config.js";
import { openRequestLogOutput } from "./wiring/request-log-output.js";
import { startRouteSources } from "./wiring/route-sources.js";

const log = (level: string, msg: string, fields: Record<string, unknown> = {}) =>
  process.stdout.write(
    `${JSON.stringify({ level, time: new Date().toISOString(), msg, ...fields })}\n`,
  );

async function startWorker(config: SentinelEnv): Promise<SentinelWorker> {
  // Routes, keys and counters: the control plane's PostgreSQL and Redis, or a file.
  const sources = await startRouteSources(config, log);
  const routes = new LiveRouteTable();
  const refused = routes.apply(sources.firstSnapshot);
  if (refused) throw refused;
  sources.configSource.subscribe((snapshot) => {
    const error = routes.apply(snapshot);
    if (error) log("error", "config refused", { err: String(error) });
    else log("info", "config applied", { version: snapshot.version });
  });

  let instances: InstanceSource;
  let kube: KubeClient | undefined;
  if (watchesCluster(config)) {
    // KUBECONFIG, or else the pod's ServiceAccount (loadKubeConnection falls back to it).
    kube = new KubeClient(loadKubeConnection(process.env));
    instances = new EndpointSliceInstanceSource(kube, {
      ...(config.SLIPWAY_APPS_NAMESPACE ? { namespace: config.SLIPWAY_APPS_NAMESPACE } : {}),
      onError: (error) =>
        log("warn", "EndpointSlice watch failed, reconnecting", { err: String(error) }),
    }).start();
  } else {
    instances = new StaticInstanceSource(new Map(Object.entries(sources.staticInstances)));
  }
  await instances.ready();

  const requestLogs = openRequestLogOutput(
    config.SENTINEL_REQUEST_LOG_DATABASE_URL ?? config.DATABASE_URL,
  );
  const batcher = new LogBatcher(requestLogs.sink, {
    onError: (error, dropped) =>
      log("warn", "request logs dropped", {
        dropped,
        droppedTotal: batcher.dropped,
        err: String(error),
      }),
  });
  const forwarders = {
    http1: new RawHttp1Forwarder({
      keepAliveTimeoutMs: config.SENTINEL_UPSTREAM_KEEP_ALIVE_MS,
      connectTimeoutMs: config.SENTINEL_UPSTREAM_CONNECT_TIMEOUT_MS,
      headersTimeoutMs: config.SENTINEL_UPSTREAM_HEADERS_TIMEOUT_MS,
      bodyTimeoutMs: config.SENTINEL_UPSTREAM_BODY_TIMEOUT_MS,
      connectionsPerInstance: 256,
    }),
    h2c: new H2cForwarder({
      connectTimeoutMs: config.SENTINEL_UPSTREAM_CONNECT_TIMEOUT_MS,
      headersTimeoutMs: config.SENTINEL_UPSTREAM_HEADERS_TIMEOUT_MS,
      idleTimeoutMs: config.SENTINEL_UPSTREAM_BODY_TIMEOUT_MS,
    }),
  };
  const wake = wakeFromConfig(config, instances, log);
  const metrics = new RequestMetrics({
    droppedLogs: () => batcher.dropped,
    configLoadedAt: () => routes.loadedAt,
    wakes: () => wake.waker?.wakes ?? 0,
  });
  const server = new SentinelServer(
    {
      settings: {
        region: { own: config.SLIPWAY_REGION, proximity: config.SLIPWAY_REGION_PROXIMITY },
        trustedProxies: parseTrustedProxies(config.SENTINEL_TRUSTED_PROXIES),
        maxHops: config.SENTINEL_MAX_HOPS,
        stripCredentials: config.SENTINEL_STRIP_CREDENTIALS,
        maxAttempts: config.SENTINEL_MAX_ATTEMPTS,
      },
      routes,
      instances,
      keyVerifier: sources.keyVerifier,
      rateLimiter: sources.rateLimiter,
      forwarders,
      logs: batcher,
      metrics,
      ...(wake.waker ? { waker: wake.waker } : {}),
      ...(wake.activity ? { activity: wake.activity } : {}),
      clock: Date.now,
      monotonic: () => performance.now(),
      newRequestId: () => newId("request"),
      onError: (error, context) =>
        log("error", "request failed", { ...context, err: String(error) }),
    },
    {
      headersTimeoutMs: config.SENTINEL_HEADERS_TIMEOUT_MS,
      requestTimeoutMs: config.SENTINEL_REQUEST_TIMEOUT_MS,
      keepAliveTimeoutMs: config.SENTINEL_KEEP_ALIVE_TIMEOUT_MS,
      connectTimeoutMs: config.SENTINEL_UPSTREAM_CONNECT_TIMEOUT_MS,
    },
    config.SENTINEL_HTTP1_ENGINE,
  );
  const address = await server.listen(config.SENTINEL_PORT, config.SENTINEL_HOST);
  log("info", "sentinel listening", {
    url: `http://${address.address}:${address.port}`,
    region: config.SLIPWAY_REGION,
    config: routes.version,
    routes: config.DATABASE_URL ? "postgresql" : "config file",
    instances: watchesCluster(config) ? "endpointslices" : "static",
    requestLogs: requestLogs.kind,
  });

  return {
    snapshot: () => metrics.snapshot(),
    ready: () => routes.loaded,
    async drain() {
      await server.drain(config.SENTINEL_DRAIN_TIMEOUT_MS);
      await Promise.all([forwarders.http1.close(), forwarders.h2c.close(), instances.close()]);
      await batcher.flush();
      await sources.close();
      await requestLogs.close();
      kube?.close();
      wake.close();
      log("info", "worker stopped", { droppedLogs: batcher.dropped });
    },
  };
}

async function main(): Promise<void> {
  let config: SentinelEnv;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  await runSentinel(
    {
      workers: config.SENTINEL_WORKERS,
      adminPort: config.SENTINEL_ADMIN_PORT,
      adminHost: config.SENTINEL_ADMIN_HOST,
      // A worker cuts what is left at its own drain deadline; this is the backstop.
      drainTimeoutMs: config.SENTINEL_DRAIN_TIMEOUT_MS + 5_000,
      log,
    },
    () => startWorker(config),
  );
}

main().catch((error: unknown) => {
  log("fatal", "sentinel failed to start", { err: String(error) });
  process.exit(1);
});
