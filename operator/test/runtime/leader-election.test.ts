import { setTimeout as sleep } from "node:timers/promises";
import type { KubeApi } from "@slipway/shared/kube";
import { beforeAll, describe, expect, it } from "vitest";
import { LeaderElector } from "../../src/runtime/leader-election.js";
import { silentLogger } from "../../src/runtime/logger.js";
import { eventually, freshNamespace, testClient } from "../helpers.js";

const kube = testClient();
let ns: string;

beforeAll(async () => {
  ns = await freshNamespace(kube, "lease");
});

interface Interval {
  who: string;
  from: number;
  to?: number;
}

/** A client that can be cut off, like a replica whose network fails. */
function partitionable(api: KubeApi) {
  let cut = false;
  const guard = <T>(call: () => Promise<T>) =>
    cut ? Promise.reject(new Error("partitioned")) : call();
  const client: KubeApi = {
    get: (p) => guard(() => api.get(p)),
    find: (p) => guard(() => api.find(p)),
    apply: (p, b) => guard(() => api.apply(p, b)),
    create: (p, b) => guard(() => api.create(p, b)),
    replace: (p, b) => guard(() => api.replace(p, b)),
    remove: (p) => guard(() => api.remove(p)),
    openWatch: (p, s) => guard(() => api.openWatch(p, s)),
  };
  return { client, cut: () => (cut = true) };
}

function candidate(leaseName: string, who: string, intervals: Interval[], api: KubeApi = kube) {
  const elector = new LeaderElector(
    api,
    { namespace: ns, leaseName, identity: who, leaseDurationSeconds: 2, renewIntervalMs: 200 },
    () => new Date(),
    silentLogger,
  );
  const abort = new AbortController();
  const done = elector.run(async () => {
    const interval: Interval = { who, from: Date.now() };
    intervals.push(interval);
    return async () => {
      interval.to = Date.now();
    };
  }, abort.signal);
  return { elector, abort, done };
}

const overlaps = (intervals: Interval[]) =>
  intervals.some((a, i) =>
    intervals.some(
      (b, j) =>
        i !== j &&
        a.from < (b.to ?? Number.POSITIVE_INFINITY) &&
        b.from < (a.to ?? Number.POSITIVE_INFINITY),
    ),
  );

describe("leader election with a Lease", () => {
  it("lets exactly one of two replicas lead, and hands over on shutdown", async () => {
    const intervals: Interval[] = [];
    const a = candidate("handover", "a", intervals);
    const b = candidate("handover", "b", intervals);
    await eventually("a leader", async () => (intervals.length > 0 ? true : undefined));
    await sleep(1_000);
    expect(intervals).toHaveLength(1);
    const [first, second] = intervals[0]!.who === "a" ? [a, b] : [b, a];
    expect(first.elector.isLeader).toBe(true);
    expect(second.elector.isLeader).toBe(false);

    const released = Date.now();
    first.abort.abort();
    await first.done;
    await eventually("the standby to lead", async () =>
      second.elector.isLeader ? true : undefined,
    );
    // Released, not expired: the standby need not wait out the 2 s lease.
    expect(Date.now() - released).toBeLessThan(1_500);
    second.abort.abort();
    await second.done;
    expect(intervals).toHaveLength(2);
    expect(overlaps(intervals)).toBe(false);
  });

  it("a partitioned leader stops leading before a standby takes the expired lease", async () => {
    const intervals: Interval[] = [];
    const partition = partitionable(kube);
    const a = candidate("expiry", "a", intervals, partition.client);
    await eventually("a to lead", async () => (a.elector.isLeader ? true : undefined));
    const b = candidate("expiry", "b", intervals);
    await sleep(500);
    expect(b.elector.isLeader).toBe(false);
    partition.cut();
    await a.done;
    await eventually("b to lead", async () => (b.elector.isLeader ? true : undefined));
    b.abort.abort();
    await b.done;
    expect(intervals.map((i) => i.who)).toEqual(["a", "b"]);
    expect(overlaps(intervals)).toBe(false);
  });
});
