import { deploymentCrPath, type SlipwayDeployment } from "@slipway/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installCrds } from "../../src/crd/install-crds.js";
import { eventually, freshNamespace, sampleDeployment, testClient } from "../helpers.js";
import { startTestOperator, type TestOperator } from "../operator-harness.js";

// Sentinel reaches instances by pod IP from the per-region Services' EndpointSlices, so the
// Services are headless; these prove the slices still list the ready pods, and that a Service
// created with a cluster IP by an older operator is replaced rather than left failing.

interface Service {
  metadata: { name: string; uid: string };
  spec: { clusterIP?: string; clusterIPs?: string[] };
}
interface Slice {
  metadata: { labels?: Record<string, string> };
  endpoints?: { addresses: string[]; conditions?: { ready?: boolean } }[];
}

const kube = testClient();
let ns: string;
let op: TestOperator | undefined;

const servicePath = (name: string) => `/api/v1/namespaces/${ns}/services/${name}`;
const readyCr = (name: string) =>
  eventually(`${name} Ready`, async () => {
    const cr = await kube.get<SlipwayDeployment>(deploymentCrPath(ns, name));
    return cr.status?.phase === "Ready" ? cr : undefined;
  });
const readyAddressesOf = (service: string) =>
  eventually(`ready endpoints of ${service}`, async () => {
    const slices = await kube.get<{ items: Slice[] }>(
      `/apis/discovery.k8s.io/v1/namespaces/${ns}/endpointslices?labelSelector=${encodeURIComponent(`kubernetes.io/service-name=${service}`)}`,
    );
    const addresses = slices.items.flatMap((slice) =>
      (slice.endpoints ?? [])
        .filter((endpoint) => endpoint.conditions?.ready !== false)
        .flatMap((endpoint) => endpoint.addresses),
    );
    return addresses.length > 0 ? { addresses, slices: slices.items } : undefined;
  });

beforeAll(async () => {
  await installCrds(kube);
  ns = await freshNamespace(kube, "headless");
});

afterAll(async () => {
  await op?.stop();
});

describe("per-region Services", () => {
  it("replaces a Service an older operator created with a cluster IP by a headless one", async () => {
    // The CR and its old Service exist before this operator starts, as after an upgrade.
    const cr = await kube.create<SlipwayDeployment>(
      deploymentCrPath(ns),
      sampleDeployment("legacy", { regions: [{ name: "eu-1", replicas: { min: 1, max: 1 } }] }),
    );
    const old = await kube.create<Service>(`/api/v1/namespaces/${ns}/services`, {
      apiVersion: "v1",
      kind: "Service",
      metadata: {
        name: "legacy-eu-1",
        labels: {
          "app.kubernetes.io/managed-by": "slipway-operator",
          "slipway.dev/deployment": "legacy",
          "slipway.dev/region": "eu-1",
        },
        ownerReferences: [
          {
            apiVersion: cr.apiVersion,
            kind: cr.kind,
            name: "legacy",
            uid: cr.metadata.uid,
            controller: true,
          },
        ],
      },
      spec: {
        type: "ClusterIP",
        selector: { "slipway.dev/deployment": "legacy", "slipway.dev/region": "eu-1" },
        ports: [{ name: "http", port: 8080, targetPort: "http" }],
      },
    });
    expect(old.spec.clusterIP).not.toBe("None");

    op = await startTestOperator(ns);
    await readyCr("legacy");
    const replaced = await eventually("the headless Service", async () => {
      const service = await kube.get<Service>(servicePath("legacy-eu-1"));
      return service.spec.clusterIP === "None" ? service : undefined;
    });
    expect(replaced.metadata.uid).not.toBe(old.metadata.uid);
    expect(replaced.spec.clusterIPs).toEqual(["None"]);
    expect((await readyAddressesOf("legacy-eu-1")).addresses).toHaveLength(1);
  });

  it("are headless, and their EndpointSlices list every ready pod with the labels Sentinel reads", async () => {
    await kube.create(
      deploymentCrPath(ns),
      sampleDeployment("web", {
        regions: [
          { name: "eu-1", replicas: { min: 2, max: 2 } },
          { name: "us-1", replicas: { min: 1, max: 1 } },
        ],
      }),
    );
    const cr = await readyCr("web");
    for (const [region, count] of [
      ["eu-1", 2],
      ["us-1", 1],
    ] as const) {
      const service = await kube.get<Service>(servicePath(`web-${region}`));
      expect(service.spec.clusterIP).toBe("None");
      const { addresses, slices } = await eventually(`${count} in ${region}`, async () => {
        const found = await readyAddressesOf(`web-${region}`);
        return found.addresses.length === count ? found : undefined;
      });
      const podIps = cr
        .status!.regions!.find((r) => r.name === region)!
        .instances.flatMap((instance) => (instance.ip ? [instance.ip] : []))
        .sort();
      expect([...addresses].sort()).toEqual(podIps);
      for (const slice of slices) {
        expect(slice.metadata.labels).toMatchObject({
          "slipway.dev/deployment": "web",
          "slipway.dev/region": region,
        });
      }
    }
  });
});
