import { deploymentCrPath, type SlipwayDeployment } from "@slipway/shared";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { installCrds } from "../../src/crd/install-crds.js";
import { FaultyKube } from "../faulty-kube.js";
import { eventually, freshNamespace, sampleDeployment, testClient } from "../helpers.js";
import { settled, startTestOperator, type TestOperator } from "../operator-harness.js";

const kube = testClient();
const running: TestOperator[] = [];

const start = async (...args: Parameters<typeof startTestOperator>) => {
  const op = await startTestOperator(...args);
  running.push(op);
  return op;
};

const readyCr = (ns: string, name: string) =>
  eventually(`${name} Ready`, async () => {
    const cr = await kube.get<SlipwayDeployment>(deploymentCrPath(ns, name));
    return cr.status?.phase === "Ready" && cr.status.observedGeneration === cr.metadata.generation
      ? cr
      : undefined;
  });

beforeAll(async () => {
  await installCrds(kube);
});

afterEach(async () => {
  await Promise.all(running.splice(0).map((op) => op.stop()));
});

const oneRegion = { regions: [{ name: "eu-1", replicas: { min: 1, max: 2 } }] };

describe("the operator survives", () => {
  it("a 409 Conflict on its status write, by retrying with backoff", async () => {
    const ns = await freshNamespace(kube, "conflict");
    let conflicts = 0;
    const op = await start(
      ns,
      {},
      {
        wrap: (inner) => {
          const faulty = new FaultyKube(inner);
          faulty.beforeReplace = async (path) => {
            if (!path.endsWith("/status") || conflicts > 0) return;
            conflicts += 1;
            // Someone else updates the CR between our read and our status write.
            await kube.send(
              "PATCH",
              path.replace(/\/status$/, ""),
              { metadata: { annotations: { touched: "yes" } } },
              "application/merge-patch+json",
            );
          };
          return faulty;
        },
      },
    );
    await kube.create(deploymentCrPath(ns), sampleDeployment("conflicted", oneRegion));
    await readyCr(ns, "conflicted");
    expect(conflicts).toBe(1);
    expect(op.requests.some((r) => r.method === "PUT" && r.status === 409)).toBe(true);
    expect(
      op.metrics.value("slipway_operator_reconcile_total", { result: "error" }),
    ).toBeGreaterThanOrEqual(1);
  });

  it("being killed mid-reconcile: the next operator finishes the job and then writes nothing", async () => {
    const ns = await freshNamespace(kube, "killed");
    let applies = 0;
    let killed!: () => void;
    const died = new Promise<void>((resolve) => {
      killed = resolve;
    });
    const first = await start(
      ns,
      {},
      {
        wrap: (inner) => {
          const faulty = new FaultyKube(inner);
          faulty.beforeApply = async () => {
            applies += 1;
            if (applies > 2) {
              killed();
              // The process is gone: nothing after this point ever reaches the apiserver.
              await new Promise(() => undefined);
            }
          };
          return faulty;
        },
      },
    );
    await kube.create(deploymentCrPath(ns), sampleDeployment("half-done", oneRegion));
    await died;
    void first.operator.stop();
    running.splice(running.indexOf(first), 1);
    // Children are applied concurrently: the two let through land, the rest never do.
    await eventually("the Service applied before the kill", async () => {
      const services = await kube.get<{ items: unknown[] }>(`/api/v1/namespaces/${ns}/services`);
      return services.items.length === 1 ? true : undefined;
    });
    const workloads = await kube.get<{ items: unknown[] }>(
      `/apis/apps/v1/namespaces/${ns}/deployments`,
    );
    expect(workloads.items).toEqual([]);

    const second = await start(ns);
    await readyCr(ns, "half-done");
    await settled(second);
    const writes = second.writes().length;
    second.operator.queue.add(`${ns}/half-done`);
    await settled(second);
    expect(second.writes().slice(writes)).toEqual([]);
  });

  it("the apiserver going away: watches reconnect and new work is picked up", async () => {
    const ns = await freshNamespace(kube, "outage");
    let faulty!: FaultyKube;
    const op = await start(
      ns,
      {},
      {
        wrap: (inner) => {
          faulty = new FaultyKube(inner);
          return faulty;
        },
      },
    );
    await kube.create(deploymentCrPath(ns), sampleDeployment("before", oneRegion));
    await readyCr(ns, "before");
    faulty.outage();
    // Created while the operator cannot see anything.
    await kube.create(deploymentCrPath(ns), sampleDeployment("during", oneRegion));
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    faulty.up();
    await readyCr(ns, "during");
    expect(
      op.metrics.value("slipway_operator_reconcile_total", { result: "success" }),
    ).toBeGreaterThan(0);
  });
});
