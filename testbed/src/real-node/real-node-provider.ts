import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { findFreePorts } from "@slipway/shared/free-ports";
import { MissingPrerequisiteError } from "@slipway/shared/tool-errors";
import { waitUntil } from "../cluster/components.js";
import {
  type NodeProvider,
  type NodeProviderContext,
  nodesReady,
} from "../cluster/node-provider.js";
import type { OciImage } from "../images/oci-image.js";
import { pushImage } from "../images/push-image.js";
import { buildPauseBinary, makePauseImage, PAUSE_IMAGE } from "../images/test-images.js";
import { makeNodeCertSpec } from "../pki/cert-plan.js";
import { makeLeaf } from "../pki/make-pki.js";
import { requireRoot } from "../prerequisites.js";
import {
  CLUSTER_DOMAIN,
  CNI_BIN_DIR,
  MIRRORED_REGISTRIES,
  makeCniConflist,
  makeContainerdArgs,
  makeContainerdConfig,
  makeKubeletArgs,
  makeKubeletConfig,
  makeKubeProxyArgs,
  makeKubeProxyConfig,
  makeRegistryConfigYaml,
  makeRegistryHostsToml,
  nodePaths,
  type RealNodeLayout,
  RUNC_BINARY,
  subnetGateway,
} from "./node-config.js";
import { cleanupNodeHost, type NodeRecord, prepareNodeHost, writeNodeRecord } from "./node-host.js";

export const DEFAULT_REAL_NODE_DIR = "/run/slipway-real-node";
export const DEFAULT_REAL_NODE_SUBNET = "10.245.0.0/24";
export const DEFAULT_REAL_NODE_BRIDGE = "slipway0";
export const REGISTRY_BINARY = "/usr/bin/docker-registry";
const CONTAINERD_BINARY = "/usr/bin/containerd";
/** The cluster DNS the kubelet hands pods (cluster-dns-server.ts), run by node with tsx. */
const CLUSTER_DNS_SERVER = fileURLToPath(new URL("./cluster-dns-server.ts", import.meta.url));

export interface RealNodeOptions {
  /** Default 10.245.0.0/24, apart from kwok's 10.244.0.0/16. */
  subnet?: string;
  /** Default /run/slipway-real-node; one real node per machine. */
  dir?: string;
  bridge?: string;
  nodeName?: string;
  /**
   * The registry's storage; default inside `dir`, so a stop deletes the images. `npm start`
   * keeps it in its data directory instead, so a restart still has every deployed image.
   */
  registryDataDir?: string;
  /** Without the NoSchedule taint, so every pod may land here (see RealNodeLayout). */
  schedulable?: boolean;
}

/** The host programs the real node runs, with the Debian package that provides each. */
const REQUIRED = [
  [CONTAINERD_BINARY, "containerd"],
  ["/usr/bin/containerd-shim-runc-v2", "containerd"],
  [RUNC_BINARY, "runc"],
  [join(CNI_BIN_DIR, "bridge"), "containernetworking-plugins"],
  [REGISTRY_BINARY, "docker-registry"],
  ["/usr/sbin/iptables", "iptables"],
] as const;

/**
 * One real node in region eu-1: containerd + runc + CNI bridge, kubelet and kube-proxy
 * (iptables mode) from the testbed's build, registered with its own node certificate. Pods get addresses on a bridge
 * the testbed creates, with no default route; images come from a local registry that
 * mirrors docker.io and registry.k8s.io.
 */
export class RealNodeProvider implements NodeProvider {
  readonly kind = "real";
  readonly nodeName: string;
  readonly subnet: string;
  readonly gateway: string;
  readonly dir: string;
  readonly bridge: string;
  private readonly registryDataDir: string | undefined;
  private readonly schedulable: boolean;
  /** http://<gateway>:<port>, set once start has run. */
  registryUrl = "";
  private record?: NodeRecord;

  constructor(options: RealNodeOptions = {}) {
    this.subnet = options.subnet ?? DEFAULT_REAL_NODE_SUBNET;
    this.registryDataDir = options.registryDataDir;
    this.schedulable = options.schedulable ?? false;
    this.gateway = subnetGateway(this.subnet).gateway;
    this.dir = options.dir ?? DEFAULT_REAL_NODE_DIR;
    this.bridge = options.bridge ?? DEFAULT_REAL_NODE_BRIDGE;
    this.nodeName = options.nodeName ?? "real-eu-1-0";
  }

  async prepare(log: (line: string) => void) {
    requireRoot("The real node (containerd, kubelet, a bridge)");
    const missing = REQUIRED.filter(([path]) => !existsSync(path)).map(([, pkg]) => pkg);
    if (missing.length > 0) {
      throw new MissingPrerequisiteError(
        `the real node needs Debian packages that are not installed: apt-get install ${[...new Set(missing)].join(" ")}`,
      );
    }
    const { prefix } = subnetGateway(this.subnet);
    this.record = await prepareNodeHost(this.dir, this.bridge, `${this.gateway}/${prefix}`, log);
    return { apiserverAddress: this.gateway };
  }

  async start(context: NodeProviderContext): Promise<void> {
    const started = Date.now();
    const [registryPort, kubeletPort, proxyHealthzPort, proxyMetricsPort] = await findFreePorts(4);
    const layout: RealNodeLayout = {
      nodeName: this.nodeName,
      region: "eu-1",
      zone: "eu-1a",
      dir: this.dir,
      bridge: this.bridge,
      subnet: this.subnet,
      // On the gateway, not loopback: pods push to it (the chart's buildkitd) and pull from it.
      registryHost: `${this.gateway}:${registryPort}`,
      kubeletPort: kubeletPort!,
      caCert: join(context.pkiDir, "ca.crt"),
      sandboxImage: PAUSE_IMAGE,
      serviceCidr: context.layout.serviceCidr,
      kubeProxyHealthzPort: proxyHealthzPort!,
      kubeProxyMetricsPort: proxyMetricsPort!,
      schedulable: this.schedulable,
    };
    this.registryUrl = `http://${layout.registryHost}`;
    const paths = nodePaths(this.dir);
    const [pauseBinary] = await Promise.all([
      buildPauseBinary(join(context.workDir, "pause")),
      this.writeFiles(context, layout),
    ]);
    const wait = (what: string, check: () => Promise<boolean>, timeoutMs = 30_000) =>
      waitUntil(what, check, { timeoutMs, intervalMs: 100, watch: context.running() });

    context.start("registry", REGISTRY_BINARY, ["serve", paths.registryConfig]);
    const containerd = context.start("containerd", CONTAINERD_BINARY, makeContainerdArgs(layout));
    await this.recordComponent(containerd);
    await Promise.all([
      wait("the image registry", () =>
        fetch(`${this.registryUrl}/v2/`).then(
          (r) => r.ok,
          () => false,
        ),
      ).then(() => this.pushImage(PAUSE_IMAGE, makePauseImage(pauseBinary))),
      wait("containerd's socket", async () => existsSync(paths.containerdSocket)),
      this.grantKubeletApiAccess(context),
    ]);
    // Before the kubelet: every pod's resolv.conf names it (a Service's name resolves).
    const clusterDns = context.start("cluster-dns", process.execPath, [
      ...["--import", "tsx", CLUSTER_DNS_SERVER],
      ...[this.gateway, paths.kubeProxyKubeconfig, CLUSTER_DOMAIN],
    ]);
    await this.recordComponent(clusterDns);
    const kubelet = context.start(
      "kubelet",
      join(context.binDir, "kubelet"),
      makeKubeletArgs(layout),
    );
    await this.recordComponent(kubelet);
    const kubeProxy = context.start(
      "kube-proxy",
      join(context.binDir, "kube-proxy"),
      makeKubeProxyArgs(layout),
    );
    await this.recordComponent(kubeProxy);
    await Promise.all([
      wait(
        `the real node ${this.nodeName} to become Ready`,
        () => nodesReady(context.client, [this.nodeName]),
        60_000,
      ),
      // Healthy once it has written the service rules, so pods reach 10.96.0.1 from the start.
      wait("kube-proxy /healthz", () =>
        fetch(`http://127.0.0.1:${proxyHealthzPort}/healthz`).then(
          (r) => r.ok,
          () => false,
        ),
      ),
    ]);
    context.log(
      `  real node ${this.nodeName} (eu-1, pods on ${this.subnet}) Ready in ${((Date.now() - started) / 1000).toFixed(1)} s; images from ${this.registryUrl}`,
    );
  }

  /** Pushes an image to the node's registry under an ordinary name (docker.io/..., registry.k8s.io/...). */
  pushImage(image: string, oci: OciImage): Promise<string> {
    if (!this.registryUrl) throw new Error("the real node has not started");
    return pushImage(this.registryUrl, image, oci);
  }

  async cleanup(): Promise<void> {
    await cleanupNodeHost(this.dir);
  }

  private async recordComponent(component: {
    name: string;
    pid: number;
    binary: string;
    logFile: string;
  }) {
    if (!this.record) return;
    const { name, pid, binary, logFile } = component;
    this.record.components.push({ name, pid, binary, logFile });
    await writeNodeRecord(this.record);
  }

  private async writeFiles(context: NodeProviderContext, layout: RealNodeLayout): Promise<void> {
    const paths = nodePaths(this.dir);
    const registryData = this.registryDataDir ?? paths.registryData;
    await Promise.all(
      [paths.cniConfDir, registryData, paths.kubeletRoot, paths.podLogsDir].map((d) =>
        mkdir(d, { recursive: true }),
      ),
    );
    // The registry under its own name too (host:port, plain HTTP): images pushed as
    // `<registryHost>/slipway/...` (npm run images, the install test) pull by that reference.
    for (const registry of [...MIRRORED_REGISTRIES, layout.registryHost]) {
      await mkdir(join(paths.registryHostsDir, registry), { recursive: true });
      await writeFile(
        join(paths.registryHostsDir, registry, "hosts.toml"),
        makeRegistryHostsToml(layout.registryHost),
      );
    }
    const certSpec = makeNodeCertSpec(this.nodeName);
    // The bootstrap policy binds system:node-proxier to this user.
    const proxyCertSpec = {
      name: "kube-proxy",
      commonName: "system:kube-proxy",
      usage: "client",
    } as const;
    await Promise.all([
      makeLeaf(context.pkiDir, certSpec),
      makeLeaf(context.pkiDir, proxyCertSpec),
    ]);
    await Promise.all([
      writeFile(paths.containerdConfig, makeContainerdConfig(layout)),
      writeFile(
        join(paths.cniConfDir, "10-slipway.conflist"),
        JSON.stringify(makeCniConflist(layout), null, 2),
      ),
      writeFile(paths.kubeletConfig, JSON.stringify(makeKubeletConfig(layout), null, 2)),
      writeFile(paths.resolvConf, ""),
      writeFile(paths.registryConfig, makeRegistryConfigYaml(registryData, layout.registryHost)),
      context.writeKubeconfig(paths.kubeletKubeconfig, certSpec.name, certSpec.commonName),
      writeFile(paths.kubeProxyConfig, JSON.stringify(makeKubeProxyConfig(layout), null, 2)),
      context.writeKubeconfig(
        paths.kubeProxyKubeconfig,
        proxyCertSpec.name,
        proxyCertSpec.commonName,
      ),
    ]);
  }

  /** `kubectl logs` and `exec` go from the apiserver to the kubelet with this identity. */
  private async grantKubeletApiAccess(context: NodeProviderContext): Promise<void> {
    await context.client.apply(
      "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/slipway-testbed:kubelet-api-admin",
      {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "ClusterRoleBinding",
        metadata: { name: "slipway-testbed:kubelet-api-admin" },
        roleRef: {
          apiGroup: "rbac.authorization.k8s.io",
          kind: "ClusterRole",
          name: "system:kubelet-api-admin",
        },
        subjects: [
          {
            apiGroup: "rbac.authorization.k8s.io",
            kind: "User",
            name: "kube-apiserver-kubelet-client",
          },
        ],
      },
      { fieldManager: "slipway-testbed", force: true },
    );
  }
}
