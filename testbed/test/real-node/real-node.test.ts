import { readFileSync } from "node:fs";
import type { KubeClient } from "@slipway/shared/kube";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REGION_LABEL } from "../../src/cluster/fake-nodes.js";
import { KwokNodeProvider } from "../../src/cluster/kwok-node-provider.js";
import { type Cluster, startCluster } from "../../src/cluster/start-cluster.js";
import { stopRecordedCluster } from "../../src/cluster/stop-cluster.js";
import { readSettings } from "../../src/config.js";
import {
  BUSYBOX,
  HTTPD_IMAGE,
  HTTPD_PAGE,
  HTTPD_PORT,
  makeBusyboxHttpdImage,
} from "../../src/images/test-images.js";
import { REAL_NODE_LABEL } from "../../src/real-node/node-config.js";
import {
  holdRealNodeLock,
  type RealNodeLock,
  realNodeLockFile,
} from "../../src/real-node/real-node-lock.js";
import { RealNodeProvider } from "../../src/real-node/real-node-provider.js";
import { eventually, freshNamespace } from "../../src/test-helpers.js";
import { type HostSnapshot, snapshotHost } from "./host-snapshot.js";
import { type RunRecord, recordTestCluster } from "./run-record.js";

/**
 * The real node on this machine: containerd, runc, the CNI bridge and a kubelet, beside kwok.
 * Needs root and the Debian packages of scripts/setup.sh. Its own clusters, not the global
 * setup's: the test compares the host before the first start with the host after each stop.
 */
const log = (line: string) => console.log(`[real-node] ${line}`);
const settings = readSettings(process.env);
// An address off the machine: the host's default gateway. The pod only tries it (busybox nc;
// the static busybox's wget crashes looking up "http" without NSS) after it has checked it
// has no default route, so no packet can leave even if the check failed.
const OFF_MACHINE = "192.0.2.1";

let before: HostSnapshot;
let node: RealNodeProvider;
let cluster: Cluster | undefined;
let kube: KubeClient;

interface Pod {
  status: {
    phase?: string;
    podIP?: string;
    conditions?: { type: string; status: string; lastTransitionTime?: string }[];
  };
  spec: { nodeName?: string };
}

function webPod(name: string) {
  const script = [
    "echo routes:",
    "ip route",
    "echo end-of-routes",
    `if ip route | grep -q default; then echo has-default-route; else nc -w 2 ${OFF_MACHINE} 80 </dev/null 2>&1; echo off-machine-exit=$?; fi`,
    // The apiserver through the kubernetes Service: kube-proxy's DNAT on the gateway.
    "nc -w 2 $KUBERNETES_SERVICE_HOST $KUBERNETES_SERVICE_PORT </dev/null; echo apiserver-exit=$?",
    `exec httpd -f -v -p ${HTTPD_PORT} -h /www`,
  ].join("; ");
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name },
    spec: {
      nodeSelector: { [REAL_NODE_LABEL]: "true" },
      tolerations: [{ key: REAL_NODE_LABEL, operator: "Exists", effect: "NoSchedule" }],
      terminationGracePeriodSeconds: 1,
      containers: [
        {
          name: "web",
          image: HTTPD_IMAGE,
          command: ["/bin/sh", "-c", script],
          ports: [{ containerPort: HTTPD_PORT }],
          readinessProbe: { httpGet: { path: "/", port: HTTPD_PORT }, periodSeconds: 1 },
        },
      ],
    },
  };
}

async function startWebPod(client: KubeClient, provider: RealNodeProvider, ns: string) {
  await provider.pushImage(HTTPD_IMAGE, makeBusyboxHttpdImage(readFileSync(BUSYBOX)));
  const created = Date.now();
  await client.create(`/api/v1/namespaces/${ns}/pods`, webPod("web"));
  const pod = await eventually(
    "the web pod to be Ready",
    async () => {
      const p = await client.get<Pod>(`/api/v1/namespaces/${ns}/pods/web`);
      const ready = p.status.conditions?.some((c) => c.type === "Ready" && c.status === "True");
      // The last status explains a timeout.
      if (!ready) throw new Error(`not Ready yet: ${JSON.stringify(p.status)}`);
      return p;
    },
    60_000,
  );
  return { pod, readySeconds: (Date.now() - created) / 1000 };
}

let record: RunRecord;
let lock: RealNodeLock | undefined;

// Other projects' test files start real nodes too (control-plane's real-node e2e): one at a time.
beforeAll(async () => {
  lock = await holdRealNodeLock(realNodeLockFile(settings));
}, 900_000);

beforeAll(async () => {
  before = snapshotHost();
  node = new RealNodeProvider();
  record = recordTestCluster(settings, "real-node", node.dir);
  cluster = await startCluster({
    settings,
    log,
    nodeProviders: [node, new KwokNodeProvider(1)],
    onComponentStarted: record.onComponentStarted,
  });
  kube = cluster.client;
}, 180_000);

afterAll(async () => {
  await cluster?.stop();
  await record?.remove();
  await lock?.release();
});

describe("the real node", () => {
  let ns: string;
  let pod: Pod;

  it("registers Ready in eu-1 with its own identity, beside a kwok node", async () => {
    const nodes = await kube.get<{
      items: {
        metadata: { name: string; labels: Record<string, string> };
        spec: { taints?: { key: string; effect: string }[] };
        status: {
          addresses: { type: string; address: string }[];
          nodeInfo: { containerRuntimeVersion: string; kubeletVersion: string };
          conditions: { type: string; status: string }[];
        };
      }[];
    }>("/api/v1/nodes");
    const real = nodes.items.find((n) => n.metadata.name === node.nodeName);
    expect(real?.metadata.labels).toMatchObject({
      [REAL_NODE_LABEL]: "true",
      [REGION_LABEL]: "eu-1",
    });
    expect(real?.spec.taints).toContainEqual(
      expect.objectContaining({ key: REAL_NODE_LABEL, effect: "NoSchedule" }),
    );
    expect(real?.status.nodeInfo.containerRuntimeVersion).toMatch(/^containerd:\/\/1\./);
    expect(real?.status.nodeInfo.kubeletVersion).toBe("v1.34.4");
    expect(real?.status.addresses).toContainEqual({ type: "InternalIP", address: node.gateway });
    expect(real?.status.conditions.find((c) => c.type === "Ready")?.status).toBe("True");
    expect(nodes.items.some((n) => n.metadata.name.startsWith("kwok-"))).toBe(true);
    // The Node authorizer let this kubelet write its own Node: it is system:node:<name>.
    const lease = await eventually("the kubelet's node lease", () =>
      kube.get<{ spec: { holderIdentity: string } }>(
        `/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/${node.nodeName}`,
      ),
    );
    expect(lease.spec.holderIdentity).toBe(node.nodeName);
  });

  it("runs the locally built busybox httpd image: Running and Ready on the real node", async () => {
    ns = await freshNamespace(kube, "real-node");
    const started = await startWebPod(kube, node, ns);
    pod = started.pod;
    log(`pod Ready ${started.readySeconds.toFixed(1)} s after create`);
    expect(pod.spec.nodeName).toBe(node.nodeName);
    expect(pod.status.phase).toBe("Running");
    expect(pod.status.podIP).toMatch(/^10\.245\.0\.\d+$/);
  });

  it("serves the page to the host on the pod's own address", async () => {
    const res = await fetch(`http://${pod.status.podIP}:${HTTPD_PORT}/`, {
      signal: AbortSignal.timeout(5_000),
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(HTTPD_PAGE);
  });

  it("returns the container's output through the apiserver, as kubectl logs does", async () => {
    const res = await kube.raw("GET", `/api/v1/namespaces/${ns}/pods/web/log`);
    expect(res.status).toBe(200);
    expect(res.text).toContain("routes:");
    // httpd -v logs each request, the readiness probes' too.
    expect(res.text).toMatch(/response:200/);
  });

  it("gives the pod no way off the machine: no default route, the network is unreachable", async () => {
    const { text } = await kube.raw("GET", `/api/v1/namespaces/${ns}/pods/web/log`);
    const routes = text.slice(text.indexOf("routes:\n") + 8, text.indexOf("end-of-routes"));
    expect(
      routes
        .trim()
        .split("\n")
        .map((route) => route.trim().replace(/\s+/g, " ")),
    ).toEqual([
      "10.96.0.0/16 via 10.245.0.1 dev eth0",
      `10.245.0.0/24 dev eth0 scope link src ${pod.status.podIP}`,
    ]);
    expect(text).not.toContain("has-default-route");
    expect(text).toContain("Network is unreachable");
    expect(text).toMatch(/off-machine-exit=[1-9]/);
  });

  it("reaches the apiserver through the kubernetes Service (kube-proxy)", async () => {
    const { text } = await kube.raw("GET", `/api/v1/namespaces/${ns}/pods/web/log`);
    expect(text).toContain("apiserver-exit=0");
  });

  it("stop leaves mounts, links, netns, iptables, cgroups, sysctls and paths as they were", async () => {
    const during = snapshotHost();
    await cluster?.stop();
    cluster = undefined;
    const after = snapshotHost();
    expect(during.links).toContain("slipway0 bridge");
    expect(during.sysctls["net.ipv4.ip_forward"]).toBe("1");
    expect(after).toEqual(before);
  });
});

describe("a run whose node processes were killed", () => {
  it("is cleaned by the next cluster:down", async () => {
    const killedNode = new RealNodeProvider();
    // The same record cluster:up and the global setup keep, read back by the same stop.
    const killedRecord = recordTestCluster(settings, "killed-node", killedNode.dir);
    const stateFile = killedRecord.stateFile;
    try {
      const killed = await startCluster({
        settings,
        log,
        nodeProviders: [killedNode, new KwokNodeProvider(0)],
        onComponentStarted: killedRecord.onComponentStarted,
      });
      await killedRecord.flushed();
      const ns = await freshNamespace(killed.client, "killed-node");
      await startWebPod(killed.client, killedNode, ns);
      for (const component of killed.components) {
        if (component.name === "kubelet" || component.name === "containerd") {
          process.kill(component.pid, "SIGKILL");
        }
      }
      expect(snapshotHost().links).toContain("slipway0 bridge");

      const stopped = await stopRecordedCluster(stateFile);
      expect(stopped?.realNodeDir).toBe(killedNode.dir);
      expect(snapshotHost()).toEqual(before);
    } finally {
      // After a failed assertion: still take the cluster and the node down (idempotent).
      await stopRecordedCluster(stateFile);
      await killedRecord.remove();
    }
  }, 180_000);
});
