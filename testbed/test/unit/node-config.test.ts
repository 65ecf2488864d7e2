import { describe, expect, it } from "vitest";
import {
  makeCniConflist,
  makeContainerdConfig,
  makeKubeletArgs,
  makeKubeletConfig,
  makeKubeProxyConfig,
  makeRegistryHostsToml,
  REAL_NODE_LABEL,
  type RealNodeLayout,
  subnetGateway,
} from "../../src/real-node/node-config.js";

const layout: RealNodeLayout = {
  nodeName: "real-eu-1-0",
  region: "eu-1",
  zone: "eu-1a",
  dir: "/run/node",
  bridge: "slipway0",
  subnet: "10.245.0.0/24",
  registryHost: "127.0.0.1:5000",
  kubeletPort: 10250,
  caCert: "/w/pki/ca.crt",
  sandboxImage: "registry.k8s.io/pause:3.10",
  serviceCidr: "10.96.0.0/16",
  kubeProxyHealthzPort: 10256,
  kubeProxyMetricsPort: 10249,
};

describe("subnetGateway", () => {
  it.each([
    ["10.245.0.0/24", "10.245.0.1", 24],
    ["10.245.0.0/16", "10.245.0.1", 16],
    ["192.168.7.16/28", "192.168.7.17", 28],
  ])("%s has gateway %s", (subnet, gateway, prefix) => {
    expect(subnetGateway(subnet)).toEqual({ gateway, prefix });
  });

  it.each(["10.245.0.0", "10.245.0.0/8", "10.245.0.0/30", "10.245.0.5/24", "300.1.1.0/24"])(
    "rejects %s",
    (subnet) => {
      expect(() => subnetGateway(subnet)).toThrow();
    },
  );
});

describe("containerd config", () => {
  const toml = makeContainerdConfig(layout);

  it("keeps every path under the node's directory", () => {
    expect(toml).toContain('root = "/run/node/containerd/root"');
    expect(toml).toContain('state = "/run/node/containerd/state"');
    expect(toml).toContain('address = "/run/node/containerd/containerd.sock"');
    expect(toml).toContain('Root = "/run/node/runc"');
    expect(toml).toContain('conf_dir = "/run/node/cni/net.d"');
    expect(toml).toContain("netns_mounts_under_state_dir = true");
  });

  it("works as root without CAP_SYS_RESOURCE and with cgroupfs", () => {
    expect(toml).toContain("restrict_oom_score_adj = true");
    expect(toml).toContain("SystemdCgroup = false");
  });

  it("resolves registries through hosts.toml and uses the local pause image", () => {
    expect(toml).toContain('config_path = "/run/node/containerd/certs.d"');
    expect(toml).toContain('sandbox_image = "registry.k8s.io/pause:3.10"');
  });

  it("mirrors only to the local registry, so nothing is fetched from the internet", () => {
    expect(makeRegistryHostsToml("127.0.0.1:5000")).toBe(
      'server = "http://127.0.0.1:5000"\n\n[host."http://127.0.0.1:5000"]\n  capabilities = ["pull", "resolve"]\n',
    );
  });
});

describe("CNI config", () => {
  it("bridges pods on the subnet with no default route and no masquerade, services via the gateway", () => {
    const [bridge, portmap] = (makeCniConflist(layout) as { plugins: Record<string, unknown>[] })
      .plugins;
    expect(bridge).toMatchObject({
      type: "bridge",
      bridge: "slipway0",
      isGateway: true,
      isDefaultGateway: false,
      ipMasq: false,
      ipam: {
        type: "host-local",
        ranges: [[{ subnet: "10.245.0.0/24", gateway: "10.245.0.1" }]],
        routes: [{ dst: "10.96.0.0/16", gw: "10.245.0.1" }],
        dataDir: "/run/node/cni/ipam",
      },
    });
    expect(portmap).toEqual({ type: "portmap", capabilities: { portMappings: true } });
  });
});

describe("kubelet", () => {
  it("runs on cgroup v1 with cgroupfs and swap, serving on the bridge address", () => {
    expect(makeKubeletConfig(layout)).toMatchObject({
      failCgroupV1: false,
      cgroupDriver: "cgroupfs",
      failSwapOn: false,
      address: "10.245.0.1",
      port: 10250,
      readOnlyPort: 0,
      containerRuntimeEndpoint: "unix:///run/node/containerd/containerd.sock",
      podLogsDir: "/run/node/pod-logs",
      authentication: { anonymous: { enabled: false }, x509: { clientCAFile: "/w/pki/ca.crt" } },
      authorization: { mode: "Webhook" },
      registerWithTaints: [{ key: REAL_NODE_LABEL, value: "true", effect: "NoSchedule" }],
    });
  });

  it("hands pods the node's cluster DNS on the bridge address, for cluster.local", () => {
    expect(makeKubeletConfig(layout)).toMatchObject({
      clusterDNS: ["10.245.0.1"],
      clusterDomain: "cluster.local",
    });
  });

  it("a schedulable node (npm start's) registers without the taint, so apps' pods land on it", () => {
    const config = makeKubeletConfig({ ...layout, schedulable: true }) as {
      registerWithTaints: unknown[];
    };
    expect(config.registerWithTaints).toEqual([]);
  });

  it("registers under its name in eu-1 with the label tests select it by", () => {
    expect(makeKubeletArgs(layout)).toEqual([
      "--config=/run/node/kubelet-config.json",
      "--kubeconfig=/run/node/kubelet.kubeconfig",
      "--root-dir=/run/node/kubelet",
      "--cert-dir=/run/node/kubelet-pki",
      "--hostname-override=real-eu-1-0",
      "--node-ip=10.245.0.1",
      `--node-labels=${REAL_NODE_LABEL}=true,topology.kubernetes.io/region=eu-1,topology.kubernetes.io/zone=eu-1a,node.kubernetes.io/instance-type=real`,
      "--v=1",
    ]);
  });
});

describe("kube-proxy", () => {
  it("runs iptables mode without touching conntrack sysctls or localhost node ports", () => {
    expect(makeKubeProxyConfig(layout)).toMatchObject({
      mode: "iptables",
      hostnameOverride: "real-eu-1-0",
      clusterCIDR: "10.245.0.0/24",
      healthzBindAddress: "127.0.0.1:10256",
      metricsBindAddress: "127.0.0.1:10249",
      nodePortAddresses: ["10.245.0.1/32"],
      iptables: { localhostNodePorts: false },
      conntrack: { maxPerCore: 0, min: 0, tcpEstablishedTimeout: "0s", tcpCloseWaitTimeout: "0s" },
      clientConnection: { kubeconfig: "/run/node/kube-proxy.kubeconfig" },
    });
  });
});
