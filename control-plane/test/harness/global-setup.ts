import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { connectDatabase } from "../../src/db/client.js";
import { runMigrations } from "../../src/db/migrate.js";
import { startPostgres } from "../../src/local/postgres.js";
import { startRedis } from "../../src/local/redis.js";

declare module "vitest" {
  export interface ProvidedContext {
    postgresAdminUrl: string;
    templateDatabase: string;
    redisUrl: string;
  }
}

/**
 * Starts one throwaway PostgreSQL and Redis for the whole run (or uses DATABASE_URL / REDIS_URL)
 * and prepares a migrated template database; every test file clones its own database from it.
 */
export default async function setup(project: TestProject) {
  const stops: Array<() => Promise<void>> = [];
  const scratch = mkdtempSync(join(tmpdir(), "slipway-test-"));
  // As root, PostgreSQL runs as the `postgres` user, which must be able to enter this directory.
  chmodSync(scratch, 0o755);
  stops.push(async () => rmSync(scratch, { recursive: true, force: true }));

  let adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    const postgres = await startPostgres({ dataDir: join(scratch, "postgres"), durable: false });
    stops.unshift(postgres.stop);
    adminUrl = postgres.adminUrl;
  }
  let redisUrl = process.env.REDIS_URL;
  if (!redisUrl) {
    const redis = await startRedis({ dataDir: join(scratch, "redis"), durable: false });
    stops.unshift(redis.stop);
    redisUrl = redis.url;
  }

  const templateDatabase = `slipway_template_${process.pid}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`drop database if exists ${templateDatabase}`);
  await admin.query(`create database ${templateDatabase}`);
  await admin.end();
  const template = connectDatabase(withDatabase(adminUrl, templateDatabase), { maxConnections: 1 });
  await runMigrations(template.db);
  await template.close();

  project.provide("postgresAdminUrl", adminUrl);
  project.provide("templateDatabase", templateDatabase);
  project.provide("redisUrl", redisUrl);

  return async () => {
    if (process.env.DATABASE_URL) {
      const cleanup = new pg.Client({ connectionString: adminUrl });
      await cleanup.connect();
      await cleanup.query(`drop database if exists ${templateDatabase}`);
      await cleanup.end();
    }
    for (const stop of stops) await stop();
  };
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}
