import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import { afterAll, describe, expect, inject, it } from "vitest";
import { connectDatabase } from "../../src/db/client.js";
import { MIGRATION_LOCK_KEY, migrationsFolder, runMigrations } from "../../src/db/migrate.js";
import { eventually } from "../harness/deploy-fixtures.js";
import { withDatabase } from "../harness/global-setup.js";

const adminUrl = inject("postgresAdminUrl");
const databases: string[] = [];
const journal = JSON.parse(readFileSync(join(migrationsFolder, "meta/_journal.json"), "utf8")) as {
  entries: { tag: string }[];
};

async function query(url: string, sql: string, params: unknown[] = []) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(sql, params);
  } finally {
    await client.end();
  }
}

async function emptyDatabase(): Promise<string> {
  const name = `slipway_migrate_race_${randomBytes(4).toString("hex")}`;
  await query(adminUrl, `create database ${name}`);
  databases.push(name);
  return withDatabase(adminUrl, name);
}

/** One `npm run migrate` process: its own pool (one connection, as migrate-cli.ts opens it). */
async function migrateOnce(url: string): Promise<void> {
  const handle = connectDatabase(url, { maxConnections: 1 });
  try {
    await runMigrations(handle.db);
  } finally {
    await handle.close();
  }
}

async function appliedCount(url: string): Promise<number> {
  const rows = await query(url, "select count(*)::int as count from drizzle.__drizzle_migrations");
  return rows.rows[0].count as number;
}

afterAll(async () => {
  for (const name of databases)
    await query(adminUrl, `drop database if exists ${name} with (force)`);
});

describe("migrations run by two processes at once (a retried hook Job, two upgrades)", () => {
  it("both succeed on an empty database and every migration is applied once", async () => {
    const url = await emptyDatabase();
    await Promise.all([migrateOnce(url), migrateOnce(url), migrateOnce(url)]);
    expect(await appliedCount(url)).toBe(journal.entries.length);
    const tables = await query(
      url,
      "select count(*)::int as count from information_schema.tables where table_schema = 'public'",
    );
    expect(tables.rows[0].count).toBeGreaterThan(20);
  });

  it("a run waits while another holds the migration lock, then finds the work done", async () => {
    const url = await emptyDatabase();
    const holder = new pg.Client({ connectionString: url });
    await holder.connect();
    try {
      await holder.query("select pg_advisory_lock($1)", [MIGRATION_LOCK_KEY.toString()]);
      const runs = Promise.all([migrateOnce(url), migrateOnce(url)]);
      // Both runs queue behind the held lock instead of migrating.
      await eventually("two migrate runs waiting for the lock", async () => {
        const waiting = await holder.query(
          "select count(*)::int as count from pg_locks where locktype = 'advisory' and not granted",
        );
        return waiting.rows[0].count === 2 ? true : undefined;
      });
      const schema = await holder.query(
        "select count(*)::int as count from information_schema.schemata where schema_name = 'drizzle'",
      );
      expect(schema.rows[0].count).toBe(0);
      await holder.query("select pg_advisory_unlock($1)", [MIGRATION_LOCK_KEY.toString()]);
      await runs;
      expect(await appliedCount(url)).toBe(journal.entries.length);
    } finally {
      await holder.end();
    }
  });
});
