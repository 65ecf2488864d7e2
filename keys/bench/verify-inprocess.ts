// npm run bench:keys-inprocess -w @slipway/keys
// In-process verify (what Sentinel calls) on a warm cache: p50/p99 per call, one call at a time.
// Starts its own PostgreSQL and Redis (or uses DATABASE_URL / REDIS_URL).
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { newId } from "@slipway/shared";
import { drizzle } from "drizzle-orm/node-postgres";
import { migrate } from "drizzle-orm/node-postgres/migrator";
import { Redis } from "ioredis";
import pg from "pg";
import { createKeyStore } from "../src/key-store.js";
import { createKeyVerifier, type VerifyKeyRequest } from "../src/key-verifier.js";
import { createApiKey } from "../src/key-writer.js";
import * as schema from "../src/schema/index.js";
import { startPostgres, startRedis } from "../test/harness/servers.js";

const migrationsFolder = fileURLToPath(new URL("../../control-plane/drizzle", import.meta.url));
const iterations = Number(process.env.BENCH_ITERATIONS ?? 100_000);

const scratch = mkdtempSync(join(tmpdir(), "slipway-keys-bench-"));
// As root, PostgreSQL runs as `postgres`, which must be able to enter this directory.
chmodSync(scratch, 0o755);
const stops: Array<() => Promise<void>> = [];
try {
  let databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) {
    const postgres = await startPostgres(join(scratch, "postgres"));
    stops.push(postgres.stop);
    databaseUrl = postgres.url;
  }
  let redisUrl = process.env.REDIS_URL;
  if (!redisUrl) {
    const redis = await startRedis(join(scratch, "redis"));
    stops.push(redis.stop);
    redisUrl = redis.url;
  }
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  const db = drizzle(pool, { schema });
  await migrate(db, { migrationsFolder });
  const redis = new Redis(redisUrl);

  const workspaceId = newId("workspace");
  const keyspaceId = newId("keyspace");
  await pool.query("insert into workspaces (id, name, created_at) values ($1, $1, now())", [
    workspaceId,
  ]);
  await db
    .insert(schema.keyspaces)
    .values({ id: keyspaceId, workspaceId, name: "bench", createdAt: new Date() });
  const created = await createApiKey(db, {
    workspaceId,
    keyspaceId,
    prefix: "sk",
    externalId: "user_bench",
    meta: { plan: "pro" },
    permissions: ["documents.read", "documents.write", "billing.*"],
  });
  const limited = await createApiKey(db, {
    workspaceId,
    keyspaceId,
    ratelimits: [{ name: "requests", limit: 1_000_000_000, duration: 60_000, autoApply: true }],
    credits: { remaining: 1_000_000_000 },
  });

  const verifier = createKeyVerifier({
    store: createKeyStore(db),
    redis,
    redisPrefix: `bench-${process.pid}:`,
  });

  async function measure(label: string, request: VerifyKeyRequest, count: number) {
    for (let i = 0; i < Math.min(20_000, count); i++) await verifier.verify(request);
    const samples = new Float64Array(count);
    for (let i = 0; i < count; i++) {
      const started = process.hrtime.bigint();
      const result = await verifier.verify(request);
      samples[i] = Number(process.hrtime.bigint() - started) / 1000;
      if (!result.valid) throw new Error(`${label}: ${result.code}`);
    }
    samples.sort();
    const at = (quantile: number) => samples[Math.min(count - 1, Math.floor(quantile * count))]!;
    console.log(
      `${label.padEnd(52)} n=${String(count).padStart(6)}  p50 ${at(0.5).toFixed(1).padStart(6)} µs` +
        `  p90 ${at(0.9).toFixed(1).padStart(6)} µs  p99 ${at(0.99).toFixed(1).padStart(6)} µs` +
        `  max ${samples[count - 1]!.toFixed(0).padStart(6)} µs`,
    );
    return at(0.99);
  }

  console.log(
    `node ${process.version}, ${iterations} verifies per case after a warm-up, cache warm`,
  );
  const plain = await measure("cache hit", { workspaceId, key: created.key }, iterations);
  const query = await measure(
    "cache hit + permission query",
    {
      workspaceId,
      keyspaceIds: [keyspaceId],
      key: created.key,
      permissionQuery: "documents.read AND (billing.invoices.read OR admin)",
    },
    iterations,
  );
  const redisCount = Math.max(1000, Math.floor(iterations / 10));
  await measure(
    "cache hit + ratelimit + credits (2 Redis round trips)",
    { workspaceId, key: limited.key },
    redisCount,
  );
  const goal = 50;
  console.log(
    `goal: p99 <= ${goal} µs on a cache hit: ${Math.max(plain, query) <= goal ? "met" : "NOT met"}` +
      ` (worst p99 ${Math.max(plain, query).toFixed(1)} µs)`,
  );
  redis.disconnect();
  await pool.end();
} finally {
  for (const stop of stops) await stop();
  rmSync(scratch, { recursive: true, force: true });
}
