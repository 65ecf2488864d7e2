import { createKeyStore, type KeyVerifier, startKeyVerification } from "@slipway/keys";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { startTestApi, type TestApi, type TestWorkspace } from "../../harness/api.js";

// The concurrency figures, over HTTP through the SDK and on a second verifier (as in
// another API or Sentinel process: its own cache and Redis connections) at the same time:
// credits and ratelimits are exact across processes, not per process.

let api: TestApi;
let workspace: TestWorkspace;
let apiId: string;
let other: KeyVerifier;
let closeOther: () => Promise<void>;
const connections: Redis[] = [];

beforeAll(async () => {
  api = await startTestApi({ redis: true });
  workspace = await api.newWorkspace();
  apiId = (await workspace.sdk.apis.createApi({ name: "concurrent" })).data.apiId;
  const redis = new Redis(inject("redisUrl"));
  const subscriber = new Redis(inject("redisUrl"));
  connections.push(redis, subscriber);
  const started = await startKeyVerification({
    store: createKeyStore(api.database.db),
    redis,
    subscriber,
    redisPrefix: `${api.config.SLIPWAY_QUEUE_PREFIX}:`,
  });
  other = started.verifier;
  closeOther = started.close;
});

afterAll(async () => {
  await closeOther();
  for (const connection of connections) connection.disconnect();
});

/** `count` verifies at once, alternately over HTTP and on the other verifier; their codes. */
async function verifyEverywhere(key: string, count: number, cost?: number): Promise<string[]> {
  const credits = cost === undefined ? {} : { credits: { cost } };
  return Promise.all(
    Array.from({ length: count }, async (_, i) =>
      i % 2 === 0
        ? (await workspace.sdk.keys.verifyKey({ key, ...credits })).data.code
        : (await other.verify({ workspaceId: workspace.workspaceId, key, ...credits })).code,
    ),
  );
}

const count = (codes: string[], code: string) => codes.filter((c) => c === code).length;

describe("exact under concurrency across processes", () => {
  it.each([
    [20, 1],
    [20, 3],
    [7, 2],
  ])("credits: R=%i, cost %i: 10×R/c verifies give exactly ⌊R/c⌋ VALID", async (R, cost) => {
    const { data } = await workspace.sdk.keys.createKey({ apiId, credits: { remaining: R } });
    api.secrets.add(data.key);
    const codes = await verifyEverywhere(data.key, Math.ceil((10 * R) / cost), cost);
    expect(count(codes, "VALID")).toBe(Math.floor(R / cost));
    expect(count(codes, "USAGE_EXCEEDED")).toBe(codes.length - Math.floor(R / cost));
    const after = await workspace.sdk.keys.getKey({ keyId: data.keyId });
    expect(after.data.credits?.remaining).toBe(R % cost);
  });

  it("ratelimits: a limit of L, 10×L verifies give exactly L VALID", async () => {
    const L = 15;
    const { data } = await workspace.sdk.keys.createKey({
      apiId,
      ratelimits: [{ name: "requests", limit: L, duration: 60_000, autoApply: true }],
    });
    api.secrets.add(data.key);
    const codes = await verifyEverywhere(data.key, 10 * L);
    expect(count(codes, "VALID")).toBe(L);
    expect(count(codes, "RATE_LIMITED")).toBe(9 * L);
  });
});
