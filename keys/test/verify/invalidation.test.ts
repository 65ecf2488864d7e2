import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { publishKeyChange } from "../../src/key-invalidation.js";
import { apiKeys } from "../../src/schema/api-keys.js";
import { createTestDatabase, type TestDatabase, uniqueRedisPrefix } from "../harness/database.js";
import { createKeyspaceFixture } from "../harness/fixtures.js";
import { connectRedis } from "../harness/redis.js";

const verifierScript = fileURLToPath(new URL("./verifier-process.ts", import.meta.url));

/** The other process, and the codes it reports with the time it saw each. */
function startVerifierProcess(env: Record<string, string>) {
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", verifierScript], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const waiting: Array<{ code: string; resolve: (at: number) => void }> = [];
  const seen: Array<{ code: string; at: number }> = [];
  createInterface({ input: child.stdout! }).on("line", (line) => {
    const report = JSON.parse(line) as { code: string; at: number };
    seen.push(report);
    for (const waiter of waiting.filter((entry) => entry.code === report.code)) {
      waiting.splice(waiting.indexOf(waiter), 1);
      waiter.resolve(report.at);
    }
  });
  return {
    child,
    seen,
    reported(code: string, timeoutMs = 20_000): Promise<number> {
      const earlier = seen.find((report) => report.code === code);
      if (earlier) return Promise.resolve(earlier.at);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no ${code} within ${timeoutMs} ms`)),
          timeoutMs,
        );
        waiting.push({
          code,
          resolve: (at) => {
            clearTimeout(timer);
            resolve(at);
          },
        });
      });
    },
  };
}

describe("cache invalidation across processes", () => {
  const redis = connectRedis();
  const prefix = uniqueRedisPrefix();
  const children: ChildProcess[] = [];
  let database: TestDatabase;
  let fixture: Awaited<ReturnType<typeof createKeyspaceFixture>>;

  beforeAll(async () => {
    database = await createTestDatabase();
    fixture = await createKeyspaceFixture(database);
  });
  afterAll(() => {
    for (const child of children) child.kill("SIGTERM");
  });

  const watch = async (key: string) => {
    const watcher = startVerifierProcess({
      DATABASE_URL: database.url,
      REDIS_URL: inject("redisUrl"),
      REDIS_PREFIX: prefix,
      WORKSPACE_ID: fixture.workspaceId,
      KEY: key,
    });
    children.push(watcher.child);
    await watcher.reported("VALID", 30_000);
    return watcher;
  };

  it.each([
    ["disabled", "DISABLED", { enabled: false }],
    ["deleted", "NOT_FOUND", { deletedAt: new Date() }],
  ] as const)(
    "a %s key stops verifying in the other process (figure printed; goal 1 s)",
    async (_, code, change) => {
      const { key, keyId, hash } = await fixture.createKey();
      const other = await watch(key);
      const changedAt = Date.now();
      await database.db.update(apiKeys).set(change).where(eq(apiKeys.id, keyId));
      await publishKeyChange(redis, prefix, { hash });
      const seenAt = await other.reported(code);
      // The figure the issue asks for (goal: under 1 s), printed, not asserted: the other
      // process caches for 10 minutes, so seeing the change at all proves the notification.
      console.log(`${code} seen by the other process ${seenAt - changedAt} ms after the change`);
      expect(seenAt).toBeGreaterThanOrEqual(changedAt);
    },
  );

  it("a rerolled key whose old version expires stops verifying in the other process at its expiry", async () => {
    const { key, keyId, hash } = await fixture.createKey();
    const other = await watch(key);
    // rerollKey with `expiration: 300`: the old key gets an expiry 300 ms from now.
    const expiresAt = Date.now() + 300;
    await database.db
      .update(apiKeys)
      .set({ expiresAt: new Date(expiresAt) })
      .where(eq(apiKeys.id, keyId));
    await publishKeyChange(redis, prefix, { hash });
    const seenAt = await other.reported("EXPIRED");
    console.log(`EXPIRED seen by the other process ${seenAt - expiresAt} ms after the expiry`);
    expect(seenAt).toBeGreaterThanOrEqual(expiresAt);
  });

  it("without a notification the other process keeps its cached answer (the control)", async () => {
    const { key, keyId } = await fixture.createKey();
    const other = await watch(key);
    await database.db.update(apiKeys).set({ enabled: false }).where(eq(apiKeys.id, keyId));
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(other.seen.map((report) => report.code)).toEqual(["VALID"]);
  });

  it("a workspace-wide change (a role's permissions) reaches cached keys too", async () => {
    const { key, keyId } = await fixture.createKey();
    const other = await watch(key);
    const changedAt = Date.now();
    await database.db.update(apiKeys).set({ enabled: false }).where(eq(apiKeys.id, keyId));
    await publishKeyChange(redis, prefix, { workspaceId: fixture.workspaceId });
    const seenAt = await other.reported("DISABLED");
    console.log(`DISABLED (workspace-wide) seen ${seenAt - changedAt} ms after the change`);
    expect(seenAt).toBeGreaterThanOrEqual(changedAt);
  });
});
