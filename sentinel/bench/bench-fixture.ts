// What bench:sentinel needs in PostgreSQL and in Sentinel's config: one workspace, keyspace and
// key (verified in-process by the keys package, cache warm after the first request), and a route
// with keyauth, three firewall rules that the bench's requests do not match, and a logging
// policy that captures everything it can. BENCH_POLICIES=pol_keys,pol_log (or `none`) keeps only
// the named policies, to measure what each costs.
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { createApiKey } from "@slipway/keys";
import * as schema from "@slipway/keys/schema";
import { newId } from "@slipway/shared";
import { drizzle } from "drizzle-orm/node-postgres";
import { migrate } from "drizzle-orm/node-postgres/migrator";
import pg from "pg";

const migrationsFolder = fileURLToPath(new URL("../../control-plane/drizzle", import.meta.url));

export const benchHost = "bench.local";

export interface BenchKey {
  workspaceId: string;
  keyspaceId: string;
  key: string;
}

export async function createBenchKey(databaseUrl: string): Promise<BenchKey> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  try {
    const db = drizzle(pool, { schema });
    await migrate(db, { migrationsFolder });
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
      permissions: ["documents.read"],
    });
    return { workspaceId, keyspaceId, key: created.key };
  } finally {
    await pool.end();
  }
}

export function writeSentinelConfig(
  file: string,
  key: Pick<BenchKey, "workspaceId" | "keyspaceId">,
  upstreamPort: number,
) {
  const { keyspaceId } = key;
  const deny = { firewall: { action: "ACTION_DENY" } };
  const config = {
    version: "bench",
    routes: [
      {
        hosts: [benchHost],
        workspaceId: key.workspaceId,
        environmentId: "env_bench",
        deploymentId: "dep_bench",
        upstreamProtocol: "http1",
        policies: keptPolicies([
          {
            id: "pol_admin",
            name: "no admin",
            enabled: true,
            match: [{ path: { path: { prefix: "/admin" } } }],
            ...deny,
          },
          {
            id: "pol_internal",
            name: "no internal",
            enabled: true,
            match: [{ path: { path: { regex: "^/internal(/|$)" } } }],
            ...deny,
          },
          {
            id: "pol_debug",
            name: "no debug header",
            enabled: true,
            match: [{ header: { name: "x-debug", value: { exact: "1" } } }],
            ...deny,
          },
          {
            id: "pol_keys",
            name: "api keys",
            enabled: true,
            keyauth: { keyspaces: [keyspaceId], permissionQuery: "documents.read" },
          },
          {
            id: "pol_log",
            name: "log everything",
            enabled: true,
            logging: {
              requestHeaders: true,
              responseHeaders: true,
              requestBody: true,
              responseBody: true,
              query: true,
            },
          },
        ]),
      },
    ],
    instances: {
      dep_bench: [{ id: "upstream", address: "127.0.0.1", port: upstreamPort, region: "bench" }],
    },
  };
  writeFileSync(file, JSON.stringify(config, null, 2));
}

function keptPolicies<T extends { id: string }>(policies: T[]): T[] {
  const kept = process.env.BENCH_POLICIES?.split(",");
  return kept ? policies.filter((policy) => kept.includes(policy.id)) : policies;
}
