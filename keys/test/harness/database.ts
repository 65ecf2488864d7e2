import { randomBytes } from "node:crypto";
import { onHarnessTeardown } from "@slipway/shared/harness-teardown";
import { drizzle, type NodePgDatabase } from "drizzle-orm/node-postgres";
import pg from "pg";
import { inject } from "vitest";
import * as schema from "../../src/schema/index.js";
import { withDatabase } from "./global-setup.js";

export interface TestDatabase {
  db: NodePgDatabase<typeof schema>;
  pool: pg.Pool;
  url: string;
}

/** A fresh database cloned from the migrated template, dropped when the file finishes. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const adminUrl = inject("postgresAdminUrl");
  const name = `slipway_keys_test_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  // CREATE DATABASE … TEMPLATE needs the template to have no other session; retry briefly.
  for (let attempt = 0; ; attempt++) {
    try {
      await admin.query(`create database ${name} template ${inject("templateDatabase")}`);
      break;
    } catch (error) {
      if (attempt > 50) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  await admin.end();
  const url = withDatabase(adminUrl, name);
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  pool.on("error", () => {});
  onHarnessTeardown(async () => {
    await pool.end();
    const cleanup = new pg.Client({ connectionString: adminUrl });
    await cleanup.connect();
    await cleanup.query(`drop database if exists ${name} with (force)`);
    await cleanup.end();
  });
  return { db: drizzle(pool, { schema }), pool, url };
}

/** A workspace row; the control plane owns the table, so it is written in plain SQL here. */
export async function createWorkspace(pool: pg.Pool, id: string): Promise<string> {
  await pool.query("insert into workspaces (id, name, created_at) values ($1, $1, now())", [id]);
  return id;
}

/** A Redis key prefix no other test file uses. */
export function uniqueRedisPrefix(): string {
  return `slipway-keys-test-${randomBytes(6).toString("hex")}:`;
}
