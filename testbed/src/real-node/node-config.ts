/**
 * Configuration files and argv of the real node's agents (containerd, CNI, kubelet, the
 * image registry), as pure functions of one layout so they can be table tested. Every path
 * lives under one directory the cleanup knows (`layout.dir`), so nothing is left in the
 * host's default places (/var/lib/containerd, /etc/cni, /var/lib/kubelet, /var/log/pods).
 */
import { join } from "node:path";
import { REGION_LABEL, ZONE_LABEL } from "../cluster/fake-nodes.js";

/** Label and taint that mark the real node: only pods that select and tolerate it land there. */
export const REAL_NODE_LABEL = "testbed.slipway.dev/real-node";
export const CNI_NETWORK_NAME = "slipway-real-node";
export const CNI_BIN_DIR = "/usr/lib/cni";
export const RUNC_BINARY = "/usr/sbin/runc";

export interface RealNodeLayout {
  nodeName: string;
  region: string;
  zone: string;
  /** Root of everything the node writes; removed by the cleanup. */
  dir: string;
  bridge: string;
  /** The pods' subnet, e.g. 10.245.0.0/24; the bridge holds its first address. */
  subnet: string;
  /**
   * host:port of the local registry that mirrors docker.io and registry.k8s.io: the bridge's
   * gateway address, so this host, the node's containerd and the pods (an in-cluster buildkitd
   * pushing what it built) all reach the same registry by the same name.
   */
  registryHost: string;
  kubeletPort: number;
  /** Where the apiserver's CA lives, for kubelet's client-certificate authentication. */
  caCert: string;
  sandboxImage: string;
  /** The cluster's service range: pods route it to the gateway, where kube-proxy DNATs. */
  serviceCidr: string;
  /** kube-proxy's /healthz and /metrics on loopback. */
  kubeProxyHealthzPort: number;
  /**
   * Register without the NoSchedule taint, so ordinary pods (an app's, from `npm start`) land
   * here too; default false: tests choose the real node on purpose.
   */
  schedulable?: boolean;
  kubeProxyMetricsPort: number;
}

export function nodePaths(dir: string) {
  return {
    containerdRoot: join(dir, "containerd", "root"),
    containerdState: join(dir, "containerd", "state"),
    containerdSocket: join(dir, "containerd", "containerd.sock"),
    containerdConfig: join(dir, "containerd", "config.toml"),
    registryHostsDir: join(dir, "containerd", "certs.d"),
    optDir: join(dir, "containerd", "opt"),
    runcRoot: join(dir, "runc"),
    cniConfDir: join(dir, "cni", "net.d"),
    cniIpamDir: join(dir, "cni", "ipam"),
    kubeletRoot: join(dir, "kubelet"),
    kubeletConfig: join(dir, "kubelet-config.json"),
    kubeletKubeconfig: join(dir, "kubelet.kubeconfig"),
    kubeProxyConfig: join(dir, "kube-proxy-config.json"),
    kubeProxyKubeconfig: join(dir, "kube-proxy.kubeconfig"),
    kubeletCertDir: join(dir, "kubelet-pki"),
    podLogsDir: join(dir, "pod-logs"),
    resolvConf: join(dir, "resolv.conf"),
    registryConfig: join(dir, "registry.yml"),
    registryData: join(dir, "registry-data"),
    /** Which pids own the node, and the host's settings before it started. */
    record: join(dir, "node.json"),
  };
}

export const CLUSTER_DOMAIN = "cluster.local";

/** a.b.c.d/n -> { gateway: a.b.c.(d+1), prefix: n }; the subnet must be IPv4 and /16-/28. */
export function subnetGateway(subnet: string): { gateway: string; prefix: number } {
  const match = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(subnet);
  const octets = match ? match.slice(1, 5).map(Number) : [];
  const prefix = match ? Number(match[5]) : 0;
  if (!match || octets.some((o) => o > 255) || prefix < 16 || prefix > 28) {
    throw new Error(`the real node's subnet must be an IPv4 CIDR from /16 to /28, got "${subnet}"`);
  }
  const address = octets.reduce((acc, o) => acc * 256 + o, 0);
  const hostBits = 2 ** (32 - prefix);
  if (address % hostBits !== 0) throw new Error(`"${subnet}" has host bits set`);
  const gateway = address + 1;
  return {
    gateway: [24, 16, 8, 0].map((shift) => Math.floor(gateway / 2 ** shift) % 256).join("."),
    prefix,
  };
}

const quote = (value: string) => JSON.stringify(value);

/**
 * containerd 1.6 (Debian 12). restrict_oom_score_adj: root here lacks CAP_SYS_RESOURCE, and
 * without it runc fails every sandbox with "can't get final child's PID from pipe: EOF".
 * netns_mounts_under_state_dir keeps network namespaces out of /var/run/netns.
 */
export function makeContainerdConfig(layout: RealNodeLayout): string {
  const p = nodePaths(layout.dir);
  const cri = `[plugins."io.containerd.grpc.v1.cri"`;
  return `# Rendered by testbed/src/real-node/node-config.ts
version = 2
root = ${quote(p.containerdRoot)}
state = ${quote(p.containerdState)}
disabled_plugins = ["io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.zfs", "io.containerd.tracing.processor.v1.otlp", "io.containerd.internal.v1.tracing"]

[grpc]
  address = ${quote(p.containerdSocket)}

[plugins."io.containerd.internal.v1.opt"]
  path = ${quote(p.optDir)}

${cri}]
  sandbox_image = ${quote(layout.sandboxImage)}
  restrict_oom_score_adj = true
  netns_mounts_under_state_dir = true
  disable_apparmor = true
  enable_selinux = false

${cri}.containerd]
  snapshotter = "overlayfs"
  default_runtime_name = "runc"

${cri}.containerd.runtimes.runc]
  runtime_type = "io.containerd.runc.v2"

${cri}.containerd.runtimes.runc.options]
  BinaryName = ${quote(RUNC_BINARY)}
  Root = ${quote(p.runcRoot)}
  SystemdCgroup = false

${cri}.cni]
  bin_dir = ${quote(CNI_BIN_DIR)}
  conf_dir = ${quote(p.cniConfDir)}
  max_conf_num = 1

${cri}.registry]
  config_path = ${quote(p.registryHostsDir)}
`;
}

/** The upstream registries whose names resolve through the local registry. */
export const MIRRORED_REGISTRIES = ["docker.io", "registry.k8s.io"] as const;

/**
 * hosts.toml for one upstream: `server` is the local registry too, so containerd never falls
 * back to the internet when the image is missing; it fails with "not found" instead.
 */
export function makeRegistryHostsToml(registryHost: string): string {
  const url = `http://${registryHost}`;
  return `server = ${quote(url)}

[host.${quote(url)}]
  capabilities = ["pull", "resolve"]
`;
}

/**
 * bridge + host-local + portmap. No default route and no masquerade: a pod reaches its
 * subnet, the apiserver on the gateway address and, through the gateway, the service range
 * (kube-proxy's DNAT), nothing off the machine.
 */
export function makeCniConflist(layout: RealNodeLayout): object {
  const { gateway } = subnetGateway(layout.subnet);
  return {
    cniVersion: "1.0.0",
    name: CNI_NETWORK_NAME,
    plugins: [
      {
        type: "bridge",
        bridge: layout.bridge,
        isGateway: true,
        isDefaultGateway: false,
        ipMasq: false,
        hairpinMode: true,
        ipam: {
          type: "host-local",
          ranges: [[{ subnet: layout.subnet, gateway }]],
          routes: [{ dst: layout.serviceCidr, gw: gateway }],
          dataDir: nodePaths(layout.dir).cniIpamDir,
        },
      },
      { type: "portmap", capabilities: { portMappings: true } },
    ],
  };
}

/** KubeletConfiguration v1beta1 (JSON is YAML, and kubelet reads either). */
export function makeKubeletConfig(layout: RealNodeLayout): object {
  const p = nodePaths(layout.dir);
  const { gateway } = subnetGateway(layout.subnet);
  return {
    apiVersion: "kubelet.config.k8s.io/v1beta1",
    kind: "KubeletConfiguration",
    address: gateway,
    port: layout.kubeletPort,
    readOnlyPort: 0,
    healthzPort: 0,
    authentication: {
      anonymous: { enabled: false },
      webhook: { enabled: true },
      x509: { clientCAFile: layout.caCert },
    },
    authorization: { mode: "Webhook" },
    // cgroup v1 only on this machine kind; 1.34 still runs there when told to.
    failCgroupV1: false,
    cgroupDriver: "cgroupfs",
    failSwapOn: false,
    containerRuntimeEndpoint: `unix://${p.containerdSocket}`,
    podLogsDir: p.podLogsDir,
    resolvConf: p.resolvConf,
    clusterDomain: CLUSTER_DOMAIN,
    // The real node's own cluster DNS (cluster-dns-server.ts) on the bridge's gateway.
    clusterDNS: [gateway],
    registerWithTaints: layout.schedulable
      ? []
      : [{ key: REAL_NODE_LABEL, value: "true", effect: "NoSchedule" }],
    // A shared test machine: only evict when memory or disk is really gone.
    evictionHard: {
      "memory.available": "50Mi",
      "nodefs.available": "1%",
      "imagefs.available": "1%",
      "nodefs.inodesFree": "1%",
    },
    imageGCHighThresholdPercent: 100,
    imageGCLowThresholdPercent: 99,
    serializeImagePulls: false,
    rotateCertificates: false,
    serverTLSBootstrap: false,
    maxPods: 110,
  };
}

export function makeKubeletArgs(layout: RealNodeLayout): string[] {
  const p = nodePaths(layout.dir);
  const labels = {
    [REAL_NODE_LABEL]: "true",
    [REGION_LABEL]: layout.region,
    [ZONE_LABEL]: layout.zone,
    "node.kubernetes.io/instance-type": "real",
  };
  return [
    `--config=${p.kubeletConfig}`,
    `--kubeconfig=${p.kubeletKubeconfig}`,
    `--root-dir=${p.kubeletRoot}`,
    `--cert-dir=${p.kubeletCertDir}`,
    `--hostname-override=${layout.nodeName}`,
    `--node-ip=${subnetGateway(layout.subnet).gateway}`,
    `--node-labels=${Object.entries(labels)
      .map(([k, v]) => `${k}=${v}`)
      .join(",")}`,
    "--v=1",
  ];
}

/**
 * KubeProxyConfiguration for iptables mode. Conntrack values 0 leave the host's sysctls
 * alone; node ports only on the bridge address, and none on localhost, so kube-proxy has no
 * reason to turn on route_localnet (the cleanup restores it anyway).
 */
export function makeKubeProxyConfig(layout: RealNodeLayout): object {
  const p = nodePaths(layout.dir);
  const { gateway } = subnetGateway(layout.subnet);
  return {
    apiVersion: "kubeproxy.config.k8s.io/v1alpha1",
    kind: "KubeProxyConfiguration",
    clientConnection: { kubeconfig: p.kubeProxyKubeconfig },
    hostnameOverride: layout.nodeName,
    bindAddress: gateway,
    healthzBindAddress: `127.0.0.1:${layout.kubeProxyHealthzPort}`,
    metricsBindAddress: `127.0.0.1:${layout.kubeProxyMetricsPort}`,
    mode: "iptables",
    clusterCIDR: layout.subnet,
    nodePortAddresses: [`${gateway}/32`],
    iptables: { localhostNodePorts: false },
    conntrack: { maxPerCore: 0, min: 0, tcpEstablishedTimeout: "0s", tcpCloseWaitTimeout: "0s" },
  };
}

export function makeKubeProxyArgs(layout: RealNodeLayout): string[] {
  return [`--config=${nodePaths(layout.dir).kubeProxyConfig}`, "--v=1"];
}

export function makeContainerdArgs(layout: RealNodeLayout): string[] {
  return ["--config", nodePaths(layout.dir).containerdConfig, "--log-level", "warn"];
}

/**
 * Debian's docker-registry (Distribution 2.8) on `listen` (host:port: the bridge's gateway,
 * which only this host and the node's pods reach), storage under the node's dir.
 */
export function makeRegistryConfigYaml(storageDir: string, listen: string): string {
  return [
    "# Rendered by testbed/src/real-node/node-config.ts",
    "version: 0.1",
    "log:",
    "  level: warn",
    "storage:",
    "  filesystem:",
    `    rootdirectory: ${quote(storageDir)}`,
    "http:",
    `  addr: ${listen}`,
    "",
  ].join("\n");
}
