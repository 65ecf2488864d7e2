import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { request as httpsRequest } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findFreePorts } from "@slipway/shared/free-ports";
import { KubeClient, readKubeconfigFile } from "@slipway/shared/kube";
import type { TestbedSettings } from "../config.js";
import { ensureBinaries, type Log } from "../go-binaries/build-binaries.js";
import { makePki } from "../pki/make-pki.js";
import { requireOpenssl } from "../prerequisites.js";
import { RealNodeProvider } from "../real-node/real-node-provider.js";
import {
  apiserverUrl,
  type ControlPlaneLayout,
  etcdClientUrl,
  makeApiserverArgs,
  makeControllerManagerArgs,
  makeEtcdArgs,
  makeSchedulerArgs,
} from "./component-args.js";
import {
  type ComponentRecord,
  type RunningComponent,
  startComponent,
  stopComponents,
  waitUntil,
} from "./components.js";
import { makeKubeconfig } from "./kubeconfig.js";
import { KwokNodeProvider } from "./kwok-node-provider.js";
import type { NodeProvider } from "./node-provider.js";

export const SERVICE_CIDR = "10.96.0.0/16";
export const POD_CIDR = "10.244.0.0/16";

export interface Cluster {
  server: string;
  /** etcd's client URL (plain HTTP on loopback), e.g. for compactEtcd in watch tests. */
  etcdUrl: string;
  /** Admin kubeconfig (system:masters), credentials embedded. */
  kubeconfig: string;
  workDir: string;
  components: ComponentRecord[];
  client: KubeClient;
  startSeconds: number;
  /** Present when the cluster has the real node (settings.realNode or a RealNodeProvider). */
  realNode?: RealNodeInfo;
  /** Stops every component and deletes the work directory. */
  stop(): Promise<void>;
}

export interface RealNodeInfo {
  dir: string;
  nodeName: string;
  /** The registry containerd pulls docker.io/... and registry.k8s.io/... names from. */
  registryUrl: string;
  subnet: string;
}

/** kwok's fake nodes, and the real node beside them when settings ask for it. */
export function defaultNodeProviders(settings: TestbedSettings): NodeProvider[] {
  return [
    ...(settings.realNode ? [new RealNodeProvider({ subnet: settings.realNodeSubnet })] : []),
    new KwokNodeProvider(settings.kwokNodes),
  ];
}

export interface StartOptions {
  settings: TestbedSettings;
  log: Log;
  /** Defaults to defaultNodeProviders(settings). */
  nodeProviders?: NodeProvider[];
  /** Default true. False sends watches to etcd so compactEtcd produces real 410 Gone answers. */
  watchCache?: boolean;
  /** Default false. True lifts the components' client rate limits (see ControlPlaneLayout). */
  unthrottled?: boolean;
  /**
   * etcd's data directory; default inside the work directory, deleted on stop. `npm start`
   * keeps it in its data directory, so the cluster's objects survive a restart.
   */
  etcdDataDir?: string;
  /** Called as each process starts, so a caller can record it before the start completes. */
  onComponentStarted?: (component: ComponentRecord, workDir: string) => void;
}

/**
 * Builds the binaries if needed, then starts etcd, kube-apiserver, kube-controller-manager,
 * kube-scheduler and the node providers on free loopback ports in a fresh temp directory.
 * Resolves when the API is ready, nodes are Ready and service accounts are being created;
 * on any failure stops what it started and rejects with the failing component's log tail.
 */
export async function startCluster(options: StartOptions): Promise<Cluster> {
  const { settings, log } = options;
  await requireOpenssl();
  const build = await ensureBinaries(settings, log);
  const started = Date.now();
  const bin = (name: string) => join(settings.binDir, name);

  const workDir = await mkdtemp(join(tmpdir(), "slipway-cluster-"));
  const running: RunningComponent[] = [];
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NO_PROXY: "127.0.0.1,localhost",
    no_proxy: "127.0.0.1,localhost",
  };
  delete env.KUBECONFIG;
  const start = (name: string, binary: string, args: string[]) => {
    const component = startComponent(name, binary, args, join(workDir, "logs", `${name}.log`), env);
    running.push(component);
    options.onComponentStarted?.(component, workDir);
    return component;
  };
  let client: KubeClient | undefined;
  const providers: NodeProvider[] = options.nodeProviders ?? defaultNodeProviders(settings);
  const realNode = providers.find((p): p is RealNodeProvider => p instanceof RealNodeProvider);
  // After the processes, before the work directory: a real node's mounts live below it.
  const cleanupProviders = async () => {
    for (const provider of providers) await provider.cleanup?.();
  };
  const stop = async () => {
    client?.close();
    await stopComponents([...running].reverse());
    await cleanupProviders();
    await rm(workDir, { recursive: true, force: true });
  };

  try {
    await mkdir(join(workDir, "logs"));
    let apiserverAddress: string | undefined;
    for (const provider of providers) {
      const preparation = (await provider.prepare?.(log)) ?? {};
      apiserverAddress ??= preparation.apiserverAddress;
    }
    const [pki, ports] = await Promise.all([
      makePki(join(workDir, "pki"), SERVICE_CIDR, apiserverAddress ? [apiserverAddress] : []),
      findFreePorts(5),
    ]);
    const layout: ControlPlaneLayout = {
      workDir,
      etcdDataDir: options.etcdDataDir ?? join(workDir, "etcd"),
      ports: {
        etcdClient: ports[0]!,
        etcdPeer: ports[1]!,
        apiserver: ports[2]!,
        controllerManager: ports[3]!,
        scheduler: ports[4]!,
      },
      serviceCidr: SERVICE_CIDR,
      podCidr: POD_CIDR,
      pki: {
        caCert: pki.caCert,
        caKey: pki.caKey,
        apiserverCert: pki.cert("apiserver").cert,
        apiserverKey: pki.cert("apiserver").key,
        kubeletClientCert: pki.cert("apiserver-kubelet-client").cert,
        kubeletClientKey: pki.cert("apiserver-kubelet-client").key,
        serviceAccountKey: pki.serviceAccountKey,
        serviceAccountPub: pki.serviceAccountPub,
      },
      kubeconfigs: {
        controllerManager: join(workDir, "controller-manager.kubeconfig"),
        scheduler: join(workDir, "scheduler.kubeconfig"),
        kwok: join(workDir, "kwok.kubeconfig"),
      },
      kwokStages: join(settings.binDir, "kwok-stages.yaml"),
      apiserverAddress,
      watchCache: options.watchCache ?? true,
      unthrottled: options.unthrottled ?? false,
    };
    const server = apiserverUrl(layout);
    const caPem = await readFile(pki.caCert, "utf8");
    const writeKubeconfig = async (path: string, certName: string, userName: string) => {
      const { cert, key } = pki.cert(certName);
      await writeFile(
        path,
        makeKubeconfig({
          clusterName: "slipway-testbed",
          server,
          caPem,
          userName,
          clientCertPem: await readFile(cert, "utf8"),
          clientKeyPem: await readFile(key, "utf8"),
        }),
        { mode: 0o600 },
      );
    };
    const kubeconfig = join(workDir, "kubeconfig");
    await Promise.all([
      writeKubeconfig(kubeconfig, "admin", "slipway-admin"),
      writeKubeconfig(
        layout.kubeconfigs.controllerManager,
        "controller-manager",
        "controller-manager",
      ),
      writeKubeconfig(layout.kubeconfigs.scheduler, "scheduler", "scheduler"),
      writeKubeconfig(layout.kubeconfigs.kwok, "kwok", "kwok"),
    ]);
    const admin = new KubeClient(readKubeconfigFile(kubeconfig));
    client = admin;
    const phase = (what: string) =>
      log(`  ${what} (${((Date.now() - started) / 1000).toFixed(1)} s)`);

    start("etcd", bin("etcd"), makeEtcdArgs(layout));
    await waitUntil("etcd /health", () => httpOk(`${etcdClientUrl(layout)}/health`), {
      timeoutMs: 30_000,
      watch: running,
    });
    phase(`etcd ${build.etcd} healthy on ${etcdClientUrl(layout)}`);

    start("kube-apiserver", bin("kube-apiserver"), makeApiserverArgs(layout));
    await waitUntil(
      "kube-apiserver /readyz",
      async () =>
        (await admin.raw("GET", "/readyz", undefined, "application/json", 5_000)).status === 200,
      { timeoutMs: 120_000, watch: running },
    );
    phase(`kube-apiserver ${build.kubernetes} ready on ${server}`);

    start(
      "kube-controller-manager",
      bin("kube-controller-manager"),
      makeControllerManagerArgs(layout),
    );
    start("kube-scheduler", bin("kube-scheduler"), makeSchedulerArgs(layout));
    await Promise.all([
      waitUntil(
        "kube-controller-manager and kube-scheduler /healthz",
        async () =>
          (await localHealthz(layout.ports.controllerManager)) &&
          (await localHealthz(layout.ports.scheduler)),
        { timeoutMs: 60_000, watch: running },
      ),
      // Pods can only be created once the default ServiceAccount exists; waiting here means
      // a test's first Deployment is never slowed down by controller-manager warming up.
      waitUntil(
        "the service-account controller to create default/default",
        async () =>
          (await admin.raw("GET", "/api/v1/namespaces/default/serviceaccounts/default")).status ===
          200,
        { timeoutMs: 60_000, watch: running },
      ),
      ...providers.map((provider) =>
        provider.start({
          binDir: settings.binDir,
          workDir,
          layout,
          client: admin,
          kubernetesVersion: build.kubernetes,
          pkiDir: pki.dir,
          writeKubeconfig,
          start,
          running: () => running,
          log,
        }),
      ),
    ]);
    const startSeconds = (Date.now() - started) / 1000;
    phase("controller-manager and scheduler healthy, nodes Ready");
    return {
      server,
      etcdUrl: etcdClientUrl(layout),
      kubeconfig,
      workDir,
      components: running.map(({ name, pid, binary, logFile }) => ({ name, pid, binary, logFile })),
      client: admin,
      startSeconds,
      ...(realNode
        ? {
            realNode: {
              dir: realNode.dir,
              nodeName: realNode.nodeName,
              registryUrl: realNode.registryUrl,
              subnet: realNode.subnet,
            },
          }
        : {}),
      stop,
    };
  } catch (error) {
    // Keep the logs the error message points at; drop keys, data and kubeconfigs.
    client?.close();
    await stopComponents([...running].reverse()).catch(() => undefined);
    const cleaned = await cleanupProviders().then(
      () => true,
      (cleanupError: unknown) => {
        log(`  cleaning up the nodes failed too: ${String(cleanupError)}`);
        return false;
      },
    );
    // A failed node cleanup may have left mounts under the work directory: keep it whole.
    if (cleaned) await removeAllBut(workDir, "logs").catch(() => undefined);
    throw error;
  }
}

async function removeAllBut(dir: string, keep: string): Promise<void> {
  for (const entry of await readdir(dir)) {
    if (entry !== keep) await rm(join(dir, entry), { recursive: true, force: true });
  }
}

async function httpOk(url: string): Promise<boolean> {
  const res = await fetch(url, { signal: AbortSignal.timeout(3_000) });
  return res.ok;
}

/** controller-manager and scheduler serve /healthz with a self-signed cert and no auth. */
function localHealthz(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = httpsRequest(
      { host: "127.0.0.1", port, path: "/healthz", rejectUnauthorized: false, timeout: 3_000 },
      (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      },
    );
    req.on("error", () => resolve(false));
    req.on("timeout", () => req.destroy());
    req.end();
  });
}
