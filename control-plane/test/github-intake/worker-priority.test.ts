import { randomBytes } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { startTestApi, type TestApi } from "../harness/api.js";
import { uniqueRedisPrefix } from "../harness/database.js";
import { workerProcesses } from "../harness/worker-process.js";

const workers = workerProcesses();
let api: TestApi;

beforeAll(async () => {
  api = await startTestApi({});
});

/** The niceness of every thread of a process, from /proc (field 19 of each thread's stat). */
function threadNiceness(pid: number): number[] {
  return readdirSync(`/proc/${pid}/task`).flatMap((thread) => {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${thread}/stat`, "utf8");
      return [Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[16])];
    } catch {
      return []; // the thread ended meanwhile
    }
  });
}

async function settledNiceness(env: Record<string, string>): Promise<number[]> {
  const worker = workers.start({
    DATABASE_URL: api.database.url,
    REDIS_URL: inject("redisUrl"),
    SLIPWAY_ENCRYPTION_KEYS: `v1:${randomBytes(32).toString("base64")}`,
    SLIPWAY_QUEUE_PREFIX: uniqueRedisPrefix(),
    ...env,
  });
  const deadline = Date.now() + 30_000;
  let seen: number[] = [];
  // Niceness is set once the config is read; until then every thread shows the parent's 0.
  while (Date.now() < deadline) {
    seen = threadNiceness(worker.pid!);
    if (seen.some((nice) => nice !== 0)) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  // Threads started after the change (libuv's pool, on first use) must inherit it too.
  await new Promise((resolve) => setTimeout(resolve, 1000));
  seen = threadNiceness(worker.pid!);
  worker.kill("SIGKILL");
  return seen;
}

describe("the worker process's CPU priority", () => {
  it("yields the CPU to the API by default: every thread runs at niceness 10", async () => {
    const niceness = await settledNiceness({});
    expect(niceness.length).toBeGreaterThan(1);
    expect(new Set(niceness)).toEqual(new Set([10]));
  });

  it("takes the niceness SLIPWAY_WORKER_NICE names", async () => {
    const niceness = await settledNiceness({ SLIPWAY_WORKER_NICE: "3" });
    expect(new Set(niceness)).toEqual(new Set([3]));
  });
});
