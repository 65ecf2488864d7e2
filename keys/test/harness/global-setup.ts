import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { drizzle } from "drizzle-orm/node-postgres";
import { migrate } from "drizzle-orm/node-postgres/migrator";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { startPostgres, startRedis } from "./servers.js";

declare module "vitest" {
  export interface ProvidedContext {
    postgresAdminUrl: string;
    templateDatabase: string;
    redisUrl: string;
  }
}

/**
 * The keys tables live in the control plane's database and its migrations: the template is
 * migrated with the SQL files under control-plane/drizzle (read as files, no code imported),
 * so these tests run against exactly the schema a deployment gets.
 */
const migrationsFolder = fileURLToPath(new URL("../../../control-plane/drizzle", import.meta.url));

export default async function setup(project: TestProject) {
  const stops: Array<() => Promise<void>> = [];
  const scratch = mkdtempSync(join(tmpdir(), "slipway-keys-test-"));
  chmodSync(scratch, 0o755);
  stops.push(async () => rmSync(scratch, { recursive: true, force: true }));

  let adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    const postgres = await startPostgres(join(scratch, "postgres"));
    stops.unshift(postgres.stop);
    adminUrl = postgres.url;
  }
  let redisUrl = process.env.REDIS_URL;
  if (!redisUrl) {
    const redis = await startRedis(join(scratch, "redis"));
    stops.unshift(redis.stop);
    redisUrl = redis.url;
  }

  const templateDatabase = `slipway_keys_template_${process.pid}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`drop database if exists ${templateDatabase}`);
  await admin.query(`create database ${templateDatabase}`);
  await admin.end();
  const pool = new pg.Pool({ connectionString: withDatabase(adminUrl, templateDatabase), max: 1 });
  await migrate(drizzle(pool), { migrationsFolder });
  await pool.end();

  project.provide("postgresAdminUrl", adminUrl);
  project.provide("templateDatabase", templateDatabase);
  project.provide("redisUrl", redisUrl);

  return async () => {
    const cleanup = new pg.Client({ connectionString: adminUrl });
    await cleanup.connect();
    await cleanup.query(`drop database if exists ${templateDatabase}`);
    await cleanup.end();
    for (const stop of stops) await stop();
  };
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}
