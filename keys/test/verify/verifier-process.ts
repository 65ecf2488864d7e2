// A second process for the invalidation test: it verifies one key every 5 ms and prints a JSON
// line whenever the answer's code changes. Started by invalidation.test.ts; not a test itself.
import { drizzle } from "drizzle-orm/node-postgres";
import { Redis } from "ioredis";
import pg from "pg";
import { createKeyStore } from "../../src/key-store.js";
import { startKeyVerification } from "../../src/key-verification.js";

const env = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};

const pool = new pg.Pool({ connectionString: env("DATABASE_URL"), max: 2 });
const redis = new Redis(env("REDIS_URL"));
const subscriber = new Redis(env("REDIS_URL"));
const { verifier } = await startKeyVerification({
  store: createKeyStore(drizzle(pool)),
  redis,
  subscriber,
  redisPrefix: env("REDIS_PREFIX"),
  // Far longer than the test waits: only a notification can make a change visible in time.
  cache: { ttlMs: 10 * 60_000 },
});

let last = "";
for (;;) {
  const result = await verifier.verify({ workspaceId: env("WORKSPACE_ID"), key: env("KEY") });
  if (result.code !== last) {
    last = result.code;
    process.stdout.write(`${JSON.stringify({ code: result.code, at: Date.now() })}\n`);
  }
  await new Promise((resolve) => setTimeout(resolve, 5));
}
