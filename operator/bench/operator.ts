/**
 * `npm run bench:operator`: BENCH_CRS (default 1 000) Deployment.slipway.dev CRs applied at once
 * converge to Ready on kwok nodes. Prints the time to converge and the operator process's peak
 * RSS (VmHWM). The peer, measured in the same run on the same cluster: the cluster's own
 * kube-controller-manager bringing as many plain apps/v1 Deployments (the operator's own pod
 * template, 1 replica) to all pods ready.
 *
 * Target: ≤ 60 s and ≤ 150 MB for 1 000 CRs.
 */

import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import {
  DEPLOYMENT_API_VERSION,
  DEPLOYMENT_CRD_NAME,
  DEPLOYMENT_KIND,
  makeDeploymentCrd,
} from "@slipway/shared";
import { findFreePort } from "@slipway/shared/free-ports";
import { type Cluster, readSettings, startCluster } from "@slipway/testbed";
import {
  apiserverWork,
  createNamespace,
  isReady,
  peakRssMb,
  podProgress,
  pool,
  stopChild,
  summarizeMetrics,
  topWork,
  waitAll,
} from "./bench-helpers.js";

const crs = Number(process.env.BENCH_CRS ?? 1000);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 50);
const capSeconds = Number(process.env.BENCH_CAP_SECONDS ?? 300);
const workers = process.env.SLIPWAY_WORKERS;
// Both runs lift the client rate limits of kube-controller-manager and kube-scheduler unless
// BENCH_THROTTLED=1 keeps the upstream defaults (20 and 50 requests/s).
const unthrottled = process.env.BENCH_THROTTLED !== "1";
const targetSeconds = 60;
const targetMb = 150;
// A kwok node allocates 16 CPUs and 110 pods; the smallest pod asks for 0.25 CPU, so a node
// holds 64 of them. The operator's pods go to eu-1 and the peer's to us-1 (nodes alternate).
const podsPerNode = 64;
const nodesPerRegion = Math.ceil((crs * 1.2) / podsPerNode) + 1;
const kwokNodes = Math.min(500, 2 * nodesPerRegion);

const operatorDir = join(dirname(fileURLToPath(import.meta.url)), "..");

/** Bundles the operator as its Dockerfile does; returns the entry to run with plain node. */
function bundleOperator(): string {
  const script = join(operatorDir, "..", "scripts", "images", "bundle-service.mjs");
  execFileSync(process.execPath, [script, operatorDir, "src/main.ts"], { stdio: "inherit" });
  return join(operatorDir, "bundle", "bin", "main.mjs");
}
const OPERATOR_NS = "bench-operator";
const PEER_NS = "bench-peer";
const crName = (i: number) => `bench-${String(i).padStart(4, "0")}`;

interface Listed<T> {
  items: T[];
}
interface CrItem {
  metadata: { name: string };
  status?: { phase?: string };
}
interface DeploymentItem {
  metadata: { name: string };
  spec: { template: { metadata?: { labels?: Record<string, string> }; spec: PodSpec } };
  status?: { readyReplicas?: number };
}
interface PodItem {
  status?: { conditions?: { type: string; status: string }[] };
}
interface PodSpec {
  nodeSelector?: Record<string, string>;
  topologySpreadConstraints?: unknown[];
  [key: string]: unknown;
}

const log = (line: string) => console.log(`[testbed] ${line}`);
let cluster: Cluster | undefined;
let operator: ChildProcess | undefined;
let ok = false;
// Ctrl-C still takes the operator and the cluster down.
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    void (async () => {
      if (operator) await stopChild(operator);
      if (cluster) await cluster.stop();
      process.exit(130);
    })();
  });
}
try {
  console.log(
    `bench:operator — ${crs} CRs, ${kwokNodes} kwok nodes, ${concurrency} in flight, ` +
      `component rate limits ${unthrottled ? "lifted" : "upstream defaults"}`,
  );
  cluster = await startCluster({
    settings: { ...readSettings(process.env), kwokNodes },
    log,
    unthrottled,
  });
  const client = cluster.client;
  log(`cluster ready in ${cluster.startSeconds.toFixed(1)} s`);

  // The CRD, as `npm run install-crds` applies it.
  const crdPath = `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${DEPLOYMENT_CRD_NAME}`;
  await client.apply(crdPath, makeDeploymentCrd(), { fieldManager: "slipway-bench" });
  for (;;) {
    const crd = await client.get<{ status?: { conditions?: { type: string; status: string }[] } }>(
      crdPath,
    );
    if (crd.status?.conditions?.some((c) => c.type === "Established" && c.status === "True")) break;
    await sleep(200);
  }
  await createNamespace(client, OPERATOR_NS);
  await createNamespace(client, PEER_NS);
  await createNamespace(client, "slipway-system");

  // The operator as its own process, exactly as its image runs it: the esbuild bundle the
  // Dockerfile makes (scripts/images/bundle-service.mjs), plain node, no tsx loader (whose
  // transformed sources would count in the RSS), so the pid is the operator's.
  const metricsPort = await findFreePort();
  const entry = bundleOperator();
  operator = spawn(process.execPath, ["--enable-source-maps", entry], {
    cwd: operatorDir,
    env: {
      ...process.env,
      KUBECONFIG: cluster.kubeconfig,
      SLIPWAY_OPERATOR_NAMESPACE: "slipway-system",
      SLIPWAY_METRICS_PORT: String(metricsPort),
      SLIPWAY_LEADER_ELECTION: "false",
      LOG_LEVEL: "warn",
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const operatorPid = operator.pid ?? 0;
  operator.once("exit", (code, signal) => {
    if (!ok) console.log(`  operator exited (code ${code}, signal ${signal})`);
  });

  // The clock starts once the operator serves /healthz (it then lists and watches at once).
  for (let i = 0; ; i++) {
    const up = await fetch(`http://127.0.0.1:${metricsPort}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) break;
    if (i > 300 || operator.exitCode !== null) throw new Error("the operator did not start");
    await sleep(100);
  }

  const crsPath = `/apis/slipway.dev/v1alpha1/namespaces/${OPERATOR_NS}/deployments`;
  // Every pod Ready is what the scheduler and kwok deliver; the CR's Ready phase comes after.
  const allPodsReady = async (namespace: string, since: number) => {
    const pods = await client.get<Listed<PodItem>>(`/api/v1/namespaces/${namespace}/pods`);
    return pods.items.filter(isReady).length >= crs ? (Date.now() - since) / 1000 : null;
  };
  let operatorPodsSeconds: number | null = null;
  const workBefore = await apiserverWork(client);
  const started = Date.now();
  await pool(crs, concurrency, async (i) => {
    await client.create(crsPath, {
      apiVersion: DEPLOYMENT_API_VERSION,
      kind: DEPLOYMENT_KIND,
      metadata: { name: crName(i) },
      spec: {
        image: "registry.invalid/acme/api@sha256:0123",
        workspaceId: "ws_bench",
        projectId: "prj_bench",
        appId: "app_bench",
        environmentId: "env_bench",
        environmentSlug: "production",
        regions: [{ name: "eu-1", replicas: { min: 1, max: 1 } }],
      },
    });
  });
  const createdSeconds = (Date.now() - started) / 1000;
  console.log(`  ${crs} CRs created in ${createdSeconds.toFixed(1)} s`);
  const operatorSeconds = await waitAll({
    what: "operator",
    started,
    total: crs,
    capSeconds,
    probe: async () => {
      operatorPodsSeconds ??= await allPodsReady(OPERATOR_NS, started);
      const list = await client.get<Listed<CrItem>>(crsPath);
      return list.items.filter((cr) => cr.status?.phase === "Ready").length;
    },
    detail: () => podProgress(client, OPERATOR_NS),
  });
  const operatorMemory = peakRssMb(operatorPid);
  const operatorWork = topWork(workBefore, await apiserverWork(client));
  const operatorCounters = await fetch(`http://127.0.0.1:${metricsPort}/metrics`).then(
    async (r) => summarizeMetrics(await r.text()),
    () => "metrics unavailable",
  );
  const operatorAlive = operator.exitCode === null && operator.signalCode === null;
  ok = true; // from here on the operator's exit is expected

  // The peer: the operator's own pod template, 1 replica, as plain Deployments on us-1 nodes.
  const template = (
    await client.get<DeploymentItem>(
      `/apis/apps/v1/namespaces/${OPERATOR_NS}/deployments/${crName(0)}-eu-1`,
    )
  ).spec.template;
  await stopChild(operator);
  const peerPath = `/apis/apps/v1/namespaces/${PEER_NS}/deployments`;
  const peerWorkBefore = await apiserverWork(client);
  const peerStarted = Date.now();
  await pool(crs, concurrency, async (i) => {
    const name = `peer-${String(i).padStart(4, "0")}`;
    const labels = { app: name };
    await client.create(peerPath, {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name, labels },
      spec: {
        replicas: 1,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            ...template.spec,
            nodeSelector: {
              ...template.spec.nodeSelector,
              "topology.kubernetes.io/region": "us-1",
            },
            topologySpreadConstraints: undefined,
          },
        },
      },
    });
  });
  // Two figures: every pod Ready (what kube-scheduler, kwok and the ReplicaSet controller
  // deliver), and every Deployment reporting it in status.readyReplicas (the controller's own
  // status, the analogue of the CR's Ready phase).
  let peerPodsSeconds: number | null = null;
  const peerSeconds = await waitAll({
    what: "peer",
    started: peerStarted,
    total: crs,
    capSeconds,
    probe: async () => {
      peerPodsSeconds ??= await allPodsReady(PEER_NS, peerStarted);
      const list = await client.get<Listed<DeploymentItem>>(peerPath);
      return list.items.filter((d) => (d.status?.readyReplicas ?? 0) >= 1).length;
    },
    detail: () => podProgress(client, PEER_NS),
  });

  const peerWork = topWork(peerWorkBefore, await apiserverWork(client));
  const fmt = (s: number | null) =>
    s === null ? `not converged within ${capSeconds} s` : `${s.toFixed(1)} s`;
  console.log("");
  console.log(
    `operator (${workers ?? "default"} workers): ${crs} CRs Ready in ${fmt(operatorSeconds)}`,
  );
  console.log(
    `operator peak RSS (VmHWM): ${operatorMemory ? `${operatorMemory.hwm.toFixed(1)} MB (current ${operatorMemory.rss.toFixed(1)} MB)` : "unknown (process gone)"}${operatorAlive ? "" : " — operator had exited"}`,
  );
  console.log(`operator: ${crs} pods Ready in ${fmt(operatorPodsSeconds)}`);
  console.log(`operator work: ${operatorCounters}`);
  console.log(`apiserver time, operator run (all clients):\n    ${operatorWork}`);
  console.log(`apiserver time, peer run (all clients):\n    ${peerWork}`);
  console.log(
    `peer (kube-controller-manager): ${crs} Deployments all pods ready in ${fmt(peerSeconds)}`,
  );
  console.log(`peer: ${crs} pods Ready in ${fmt(peerPodsSeconds)}`);
  if (operatorSeconds !== null && peerSeconds !== null) {
    console.log(
      `ratio operator / peer (Deployment status): ${(operatorSeconds / peerSeconds).toFixed(2)}x`,
    );
  }
  if (operatorSeconds !== null && peerPodsSeconds !== null) {
    console.log(
      `ratio operator / peer (pods Ready): ${(operatorSeconds / peerPodsSeconds).toFixed(2)}x`,
    );
  }
  if (crs === 1000 && operatorSeconds !== null && operatorMemory) {
    const timeMet = operatorSeconds <= targetSeconds;
    const memMet = operatorMemory.hwm <= targetMb;
    console.log(
      `target ≤ ${targetSeconds} s: ${timeMet ? "met" : "NOT met"}; ≤ ${targetMb} MB: ${memMet ? "met" : "NOT met"}`,
    );
  }
  ok = operatorSeconds !== null && peerSeconds !== null && operatorAlive;
} catch (error) {
  ok = false;
  console.error(error);
} finally {
  if (operator) await stopChild(operator);
  if (cluster) await cluster.stop();
}
process.exit(ok ? 0 : 1);
