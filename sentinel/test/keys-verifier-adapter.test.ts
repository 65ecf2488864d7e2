import { randomBytes } from "node:crypto";
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  createApiKey,
  createKeyStore,
  createKeyVerifier,
  type KeyCacheOptions,
  type KeyStore,
} from "@slipway/keys";
import * as schema from "@slipway/keys/schema";
import { newId } from "@slipway/shared";
import type { KeyVerificationRequest } from "@slipway/shared/gateway";
import { eq } from "drizzle-orm";
import { drizzle, type NodePgDatabase } from "drizzle-orm/node-postgres";
import { migrate } from "drizzle-orm/node-postgres/migrator";
import { Redis } from "ioredis";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningServer, startPostgres, startRedis } from "../../keys/test/harness/servers.js";
import { keysVerifierAdapter } from "../src/keys/keys-verifier-adapter.js";

const migrationsFolder = fileURLToPath(new URL("../../control-plane/drizzle", import.meta.url));

/** The store as the verifier sees it, counting the reads of a key that reach PostgreSQL. */
function countingStore(store: KeyStore) {
  const counted = { ...store, reads: 0 };
  counted.findByHash = (hash) => {
    counted.reads++;
    return store.findByHash(hash);
  };
  return counted;
}

describe("keysVerifierAdapter over a real verifier, cache and PostgreSQL", () => {
  const scratch = mkdtempSync(join(tmpdir(), "slipway-sentinel-keys-"));
  const servers: RunningServer[] = [];
  let pool: pg.Pool;
  let db: NodePgDatabase<typeof schema>;
  let redis: Redis;
  let workspaceId: string;
  let keyspaceId: string;

  beforeAll(async () => {
    chmodSync(scratch, 0o755);
    const postgres = await startPostgres(join(scratch, "postgres"));
    servers.push(postgres);
    const redisServer = await startRedis(join(scratch, "redis"));
    servers.push(redisServer);
    redis = new Redis(redisServer.url, { maxRetriesPerRequest: 1 });
    pool = new pg.Pool({ connectionString: postgres.url, max: 4 });
    db = drizzle(pool, { schema });
    await migrate(db, { migrationsFolder });
    workspaceId = newId("workspace");
    keyspaceId = newId("keyspace");
    await pool.query("insert into workspaces (id, name, created_at) values ($1, $1, now())", [
      workspaceId,
    ]);
    await db
      .insert(schema.keyspaces)
      .values({ id: keyspaceId, workspaceId, name: "payments", createdAt: new Date() });
  });

  afterAll(async () => {
    redis?.disconnect();
    await pool?.end();
    for (const server of servers.reverse()) await server.stop();
    rmSync(scratch, { recursive: true, force: true });
  });

  const makeAdapter = (cache?: KeyCacheOptions) => {
    const store = countingStore(createKeyStore(db));
    const verifier = createKeyVerifier({
      store,
      redis,
      redisPrefix: `test:${randomBytes(6).toString("hex")}:`,
      ...(cache && { cache }),
    });
    return { store, verifier, adapter: keysVerifierAdapter(verifier) };
  };
  const request = (key: string): KeyVerificationRequest => ({
    key,
    workspaceId,
    keyspaces: [keyspaceId],
    credits: 0,
  });
  const createKey = () =>
    createApiKey(db, {
      workspaceId,
      keyspaceId,
      name: "checkout",
      meta: { plan: "pro" },
      externalId: "user_adapter",
      permissions: ["documents.read"],
    });

  it("reads the key once per request, even when every request misses the cache", async () => {
    const { key, keyId } = await createKey();
    // A cache whose entries are never fresh: every lookup reaches the store, so a second
    // lookup for the principal would show as a second read.
    const { store, adapter } = makeAdapter({ ttlMs: 0 });
    for (let i = 1; i <= 3; i++) {
      const verification = await adapter.verify(request(key));
      expect(verification).toMatchObject({ valid: true, principal: { keyId } });
      expect(store.reads).toBe(i);
    }
  });

  it("reads a key once, then answers from the cache with the whole principal", async () => {
    const { key, keyId } = await createKey();
    const { store, adapter } = makeAdapter();
    const first = await adapter.verify(request(key));
    const second = await adapter.verify(request(key));
    expect(store.reads).toBe(1);
    expect(first).toEqual({
      valid: true,
      principal: {
        keyId,
        keyspaceId,
        name: "checkout",
        identity: { id: expect.any(String), externalId: "user_adapter" },
        meta: { plan: "pro" },
        roles: [],
        permissions: ["documents.read"],
      },
    });
    expect(second).toEqual(first);
  });

  it("shows a key's change in the principal once its cache entry is dropped", async () => {
    const { key, keyId } = await createKey();
    const { store, verifier, adapter } = makeAdapter();
    await adapter.verify(request(key));
    await db
      .update(schema.apiKeys)
      .set({ meta: { plan: "team" } })
      .where(eq(schema.apiKeys.id, keyId));
    // What a change notification does (key-invalidation.ts).
    verifier.cache.clear();
    const after = await adapter.verify(request(key));
    expect(after).toMatchObject({ valid: true, principal: { keyId, meta: { plan: "team" } } });
    expect(store.reads).toBe(2);
  });

  it("gives no principal for a key of another keyspace, a disabled key or an unknown one", async () => {
    const { key } = await createKey();
    const disabled = await createApiKey(db, { workspaceId, keyspaceId, enabled: false });
    const { store, adapter } = makeAdapter();
    const otherKeyspace = { ...request(key), keyspaces: [newId("keyspace")] };
    expect(await adapter.verify(otherKeyspace)).toEqual({ valid: false, code: "NOT_FOUND" });
    expect(await adapter.verify(request(disabled.key))).toEqual({
      valid: false,
      code: "DISABLED",
    });
    expect(await adapter.verify(request("sk_unknown"))).toEqual({
      valid: false,
      code: "NOT_FOUND",
    });
    expect(store.reads).toBe(3);
  });
});
