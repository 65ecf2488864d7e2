import http from "node:http";
import { type AddressInfo, connect } from "node:net";
import { WAKE_DEPLOYMENT_PATH } from "@slipway/shared/gateway";
import { KubeClient, loadKubeConnection } from "@slipway/shared/kube";
import { eventually, freshNamespace } from "@slipway/testbed/test-helpers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EndpointSliceInstanceSource } from "../src/routing/endpoint-slice-source.js";
import { DeploymentWaker } from "../src/wake/deployment-waker.js";
import { ControlPlaneWakeRequester } from "../src/wake/wake-requester.js";
import { closedPort, rawRequest, route, startSentinel, type TestSentinel } from "./harness.js";
import { createNetns, type Netns, waitForLine } from "./netns.js";

// A deployment scaled to zero has no EndpointSlice endpoints. Its first request asks the control
// plane (here a stand-in HTTP server that answers as the real endpoint does and, like the
// operator and kwok, writes the slice once the "pods" are ready) to start it, waits for a ready
// endpoint from the testbed apiserver, and is then forwarded.

const token = "sentinel-test-token-0123456789abcdef";
const labelOf = (deploymentId: string) => deploymentId.replace("_", "-").toLowerCase();

let kube: KubeClient;
let namespace: string;
let source: EndpointSliceInstanceSource;
let netns: Netns;

interface WakeCall {
  authorization: string | undefined;
  deploymentId: string;
}

/** Answers wakes as the control plane's internal endpoint does; `onWake` plays the cluster. */
async function startControlPlane(
  answer: (deploymentId: string) => "waking" | "not_idle",
  onWake: (deploymentId: string) => void = () => undefined,
) {
  const calls: WakeCall[] = [];
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => {
      body += chunk.toString();
    });
    req.on("end", () => {
      const { deploymentId } = JSON.parse(body) as { deploymentId: string };
      calls.push({ authorization: req.headers.authorization, deploymentId });
      expect(req.url).toBe(WAKE_DEPLOYMENT_PATH);
      res.setHeader("content-type", "application/json");
      res.end(
        JSON.stringify({ meta: { requestId: "req_cp" }, data: { state: answer(deploymentId) } }),
      );
      onWake(deploymentId);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    calls,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const slices = () => `/apis/discovery.k8s.io/v1/namespaces/${namespace}/endpointslices`;

/** The slice the EndpointSlice controller writes once the deployment's pod is ready. */
function readySlice(deploymentId: string) {
  const label = labelOf(deploymentId);
  return {
    apiVersion: "discovery.k8s.io/v1",
    kind: "EndpointSlice",
    metadata: {
      name: `${label}-eu-1`,
      labels: {
        "slipway.dev/deployment": label,
        "slipway.dev/region": "eu-1",
        "kubernetes.io/service-name": `${label}-eu-1`,
        "endpointslice.kubernetes.io/managed-by": "sentinel-test",
      },
    },
    addressType: "IPv4",
    ports: [{ name: "http", port: 8080, protocol: "TCP" }],
    endpoints: [
      {
        addresses: [netns.nsAddress],
        conditions: { ready: true },
        targetRef: { kind: "Pod", name: `${label}-pod` },
      },
    ],
  };
}

function waker(controlPlaneUrl: string, timeoutMs = 30_000) {
  return new DeploymentWaker({
    requester: new ControlPlaneWakeRequester({ baseUrl: controlPlaneUrl, token }),
    instances: source,
    timeoutMs,
    now: () => performance.now(),
  });
}

const get = (sentinel: TestSentinel, host: string) =>
  rawRequest(sentinel.port, { path: "/hello", headers: { host, accept: "application/json" } });

beforeAll(async () => {
  kube = new KubeClient(loadKubeConnection(process.env));
  namespace = await freshNamespace(kube, "wake");
  source = new EndpointSliceInstanceSource(kube, { namespace }).start();
  await source.ready();
  netns = createNetns();
  const upstream = netns.spawnNode(
    `require("http").createServer((req, res) => res.end("awake: " + req.url)).listen(8080, "${netns.nsAddress}", () => console.log("listening"))`,
  );
  await waitForLine(upstream, "listening");
});
afterAll(async () => {
  await source?.close();
  await kube?.remove(`/api/v1/namespaces/${namespace}`);
  kube?.close();
  netns?.remove();
});

describe("wake from idle", () => {
  it("starts an idle deployment once for concurrent requests and serves them all when ready", async () => {
    const deploymentId = "dep_01WAKECONCURRENT";
    const controlPlane = await startControlPlane(
      () => "waking",
      // The pods come up a moment after the start, as the operator and kwok would bring them.
      () => void setTimeout(() => void kube.create(slices(), readySlice(deploymentId)), 300),
    );
    const sentinel = await startSentinel({ instances: source, waker: waker(controlPlane.url) });
    sentinel.setRoutes([route("idle.example", deploymentId)]);
    try {
      const responses = await Promise.all(
        Array.from({ length: 8 }, () => get(sentinel, "idle.example")),
      );
      expect(responses.map((r) => r.status)).toEqual(Array(8).fill(200));
      expect(responses.map((r) => r.body)).toEqual(Array(8).fill("awake: /hello"));
      expect(controlPlane.calls).toEqual([{ authorization: `Bearer ${token}`, deploymentId }]);

      // Awake now: the next request goes straight through without asking again.
      expect((await get(sentinel, "idle.example")).status).toBe(200);
      expect(controlPlane.calls).toHaveLength(1);
    } finally {
      await sentinel.close();
      await controlPlane.close();
    }
  });

  it("stops waiting for a client that went away, and the wake goes on for the others", async () => {
    const deploymentId = "dep_01WAKEGONE";
    const controlPlane = await startControlPlane(() => "waking");
    // The default 30 s bound: the client that leaves must not hold its request that long.
    const sentinel = await startSentinel({ instances: source, waker: waker(controlPlane.url) });
    sentinel.setRoutes([route("gone.example", deploymentId)]);
    try {
      const leaving = connect(sentinel.port, "127.0.0.1");
      leaving.on("error", () => undefined);
      leaving.write("GET /leaving HTTP/1.1\r\nHost: gone.example\r\n\r\n");
      const staying = get(sentinel, "gone.example");
      await eventually("the wake call", async () =>
        controlPlane.calls.length > 0 ? true : undefined,
      );
      leaving.destroy();
      // Logged as abandoned while the deployment is still starting (no ready endpoint yet).
      const abandoned = await eventually("the leaving request's log record", async () =>
        sentinel.logs.find((record) => record.path === "/leaving"),
      );
      expect(abandoned).toMatchObject({ status: 499, outcome: "error", host: "gone.example" });

      await kube.create(slices(), readySlice(deploymentId));
      const response = await staying;
      expect(response.status).toBe(200);
      expect(response.body).toBe("awake: /hello");
      expect(controlPlane.calls).toHaveLength(1);
    } finally {
      await sentinel.close();
      await controlPlane.close();
    }
  });

  it("answers 503 with Retry-After in the API's envelope when no instance is ready in time", async () => {
    const deploymentId = "dep_01WAKETIMEOUT";
    const controlPlane = await startControlPlane(() => "waking");
    const sentinel = await startSentinel({
      instances: source,
      waker: waker(controlPlane.url, 1_000),
    });
    sentinel.setRoutes([route("slow.example", deploymentId)]);
    try {
      const response = await get(sentinel, "slow.example");
      expect(response.status).toBe(503);
      expect(response.headers["retry-after"]).toBe("5");
      const body = JSON.parse(response.body);
      expect(body).toMatchObject({
        meta: { requestId: expect.stringMatching(/^req_/) },
        error: { status: 503, title: "Service Unavailable", type: expect.any(String) },
      });
      expect(body.error.detail).toMatch(/starting, but had no ready instance within 1 s/);
      expect(controlPlane.calls).toHaveLength(1);
    } finally {
      await sentinel.close();
      await controlPlane.close();
    }
  });

  it("does not wait for a deployment the control plane says is not idle (stopped, failed)", async () => {
    const deploymentId = "dep_01WAKESTOPPED";
    const controlPlane = await startControlPlane(() => "not_idle");
    const sentinel = await startSentinel({ instances: source, waker: waker(controlPlane.url) });
    sentinel.setRoutes([route("stopped.example", deploymentId)]);
    try {
      for (let i = 0; i < 3; i++) {
        const response = await get(sentinel, "stopped.example");
        expect(response.status).toBe(503);
        expect(JSON.parse(response.body).error.detail).toBe("The app has no ready instance.");
      }
      // Remembered for a moment: three requests, one question.
      expect(controlPlane.calls).toHaveLength(1);
    } finally {
      await sentinel.close();
      await controlPlane.close();
    }
  });

  it("answers 503 with Retry-After when the control plane cannot be reached", async () => {
    const sentinel = await startSentinel({
      instances: source,
      waker: waker(`http://127.0.0.1:${await closedPort()}`),
    });
    sentinel.setRoutes([route("nocp.example", "dep_01WAKENOCP")]);
    try {
      const response = await get(sentinel, "nocp.example");
      expect(response.status).toBe(503);
      expect(response.headers["retry-after"]).toBe("5");
      expect(JSON.parse(response.body).error.detail).toMatch(/could not be started right now/);
    } finally {
      await sentinel.close();
    }
  });

  it("never sends the token anywhere but the Authorization header of the wake call", async () => {
    const deploymentId = "dep_01WAKELOGS";
    const controlPlane = await startControlPlane(() => "not_idle");
    const sentinel = await startSentinel({ instances: source, waker: waker(controlPlane.url) });
    sentinel.setRoutes([route("logs.example", deploymentId)]);
    try {
      const response = await get(sentinel, "logs.example");
      expect(response.body).not.toContain(token);
      await sentinel.batcher.flush();
      await eventually("the log record", async () => (sentinel.logs.length > 0 ? true : undefined));
      expect(JSON.stringify(sentinel.logs)).not.toContain(token);
    } finally {
      await sentinel.close();
      await controlPlane.close();
    }
  });
});
