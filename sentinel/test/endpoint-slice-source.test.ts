import { KubeClient, loadKubeConnection } from "@slipway/shared/kube";
import { eventually, freshNamespace } from "@slipway/testbed/test-helpers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EndpointSliceInstanceSource } from "../src/routing/endpoint-slice-source.js";
import { rawRequest, route, startSentinel, type TestSentinel } from "./harness.js";
import { createNetns, type Netns, waitForLine } from "./netns.js";

let kube: KubeClient;
let namespace: string;
let source: EndpointSliceInstanceSource;

const deploymentId = "dep_01TESTSLICES";
const label = "dep-01testslices";

function slice(
  name: string,
  region: string,
  endpoints: { ip: string; ready: boolean; pod: string }[],
  port = 8080,
) {
  return {
    apiVersion: "discovery.k8s.io/v1",
    kind: "EndpointSlice",
    metadata: {
      name,
      labels: {
        "slipway.dev/deployment": label,
        "slipway.dev/region": region,
        "kubernetes.io/service-name": `${label}-${region}`,
        // Not the EndpointSlice controller's: it leaves these alone.
        "endpointslice.kubernetes.io/managed-by": "sentinel-test",
      },
    },
    addressType: "IPv4",
    ports: [{ name: "http", port, protocol: "TCP" }],
    endpoints: endpoints.map((e) => ({
      addresses: [e.ip],
      conditions: { ready: e.ready },
      targetRef: { kind: "Pod", name: e.pod },
    })),
  };
}

const summary = () =>
  Object.fromEntries(
    [...source.instances(deploymentId)].map(([region, list]) => [
      region,
      list.map((i) => `${i.id}@${i.address}:${i.port}`),
    ]),
  );

beforeAll(async () => {
  kube = new KubeClient(loadKubeConnection(process.env));
  namespace = await freshNamespace(kube, "sentinel");
  source = new EndpointSliceInstanceSource(kube, { namespace }).start();
  await source.ready();
});
afterAll(async () => {
  await source?.close();
  await kube?.remove(`/api/v1/namespaces/${namespace}`);
  kube?.close();
});

const slices = () => `/apis/discovery.k8s.io/v1/namespaces/${namespace}/endpointslices`;

describe("EndpointSliceInstanceSource against the testbed apiserver", () => {
  it("follows ready endpoints per region through create, update and delete", async () => {
    expect(summary()).toEqual({});
    await kube.create(
      slices(),
      slice("eu", "eu-1", [
        { ip: "10.1.0.1", ready: true, pod: "pod-a" },
        { ip: "10.1.0.2", ready: false, pod: "pod-b" },
      ]),
    );
    await kube.create(
      slices(),
      slice("us", "us-1", [{ ip: "10.2.0.1", ready: true, pod: "pod-c" }]),
    );
    await eventually(
      "both regions",
      async () => (Object.keys(summary()).length === 2 ? true : undefined),
      10_000,
    );
    expect(summary()).toEqual({ "eu-1": ["pod-a@10.1.0.1:8080"], "us-1": ["pod-c@10.2.0.1:8080"] });

    await kube.replace(`${slices()}/eu`, {
      ...slice("eu", "eu-1", [
        { ip: "10.1.0.1", ready: false, pod: "pod-a" },
        { ip: "10.1.0.2", ready: true, pod: "pod-b" },
      ]),
      metadata: { ...(await kube.get<{ metadata: object }>(`${slices()}/eu`)).metadata },
    });
    await eventually(
      "pod-b ready",
      async () => (summary()["eu-1"]?.[0]?.startsWith("pod-b") ? true : undefined),
      10_000,
    );
    expect(summary()["eu-1"]).toEqual(["pod-b@10.1.0.2:8080"]);

    await kube.remove(`${slices()}/us`);
    await eventually(
      "us-1 gone",
      async () => (summary()["us-1"] === undefined ? true : undefined),
      10_000,
    );
    await kube.remove(`${slices()}/eu`);
    await eventually(
      "all gone",
      async () => (Object.keys(summary()).length === 0 ? true : undefined),
      10_000,
    );
  });
});

describe("Sentinel forwarding to an EndpointSlice address in a network namespace", () => {
  let netns: Netns;
  let sentinel: TestSentinel;

  beforeAll(async () => {
    netns = createNetns();
    const upstream = netns.spawnNode(
      `require("http").createServer((req, res) => res.end(JSON.stringify({ url: req.url, xff: req.headers["x-forwarded-for"], host: req.headers.host }))).listen(8080, "${netns.nsAddress}", () => console.log("listening"))`,
    );
    await waitForLine(upstream, "listening");
    sentinel = await startSentinel({ instances: source });
    sentinel.setRoutes([route("slices.example", deploymentId)]);
  });
  afterAll(async () => {
    await sentinel?.close();
    netns?.remove();
  });

  it("serves through a ready endpoint, and 503 once it is not ready", async () => {
    await kube.create(
      slices(),
      slice("live", "eu-1", [{ ip: netns.nsAddress, ready: true, pod: "pod-live" }]),
    );
    await eventually("the live slice", async () => (summary()["eu-1"] ? true : undefined), 10_000);
    const response = await rawRequest(sentinel.port, {
      path: "/hello?x=1",
      headers: { host: "slices.example" },
    });
    expect(response.status).toBe(200);
    // What the upstream in the namespace received.
    expect(JSON.parse(response.body)).toEqual({
      url: "/hello?x=1",
      xff: "127.0.0.1",
      host: "slices.example",
    });

    await kube.replace(`${slices()}/live`, {
      ...slice("live", "eu-1", [{ ip: netns.nsAddress, ready: false, pod: "pod-live" }]),
      metadata: { ...(await kube.get<{ metadata: object }>(`${slices()}/live`)).metadata },
    });
    await eventually(
      "not ready",
      async () => (summary()["eu-1"] === undefined ? true : undefined),
      10_000,
    );
    expect(
      (await rawRequest(sentinel.port, { path: "/", headers: { host: "slices.example" } })).status,
    ).toBe(503);
  });
});
