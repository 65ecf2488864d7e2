import { randomBytes } from "node:crypto";
import { onHarnessTeardown } from "@slipway/shared/harness-teardown";
import pg from "pg";
import { inject } from "vitest";
import { connectDatabase, type DatabaseHandle } from "../../src/db/client.js";
import { withDatabase } from "./global-setup.js";

export interface TestDatabase extends DatabaseHandle {
  url: string;
  name: string;
}

/**
 * A fresh, migrated database for one test file, cloned from the run's template, so files
 * running in parallel never see each other's rows. Dropped when the file finishes.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const adminUrl = inject("postgresAdminUrl");
  const name = `slipway_test_${randomBytes(6).toString("hex")}`;
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
  const handle = connectDatabase(url);
  onHarnessTeardown(async () => {
    await handle.close();
    const cleanup = new pg.Client({ connectionString: adminUrl });
    await cleanup.connect();
    await cleanup.query(`drop database if exists ${name} with (force)`);
    await cleanup.end();
  });
  return { ...handle, url, name };
}

/** A Redis key prefix no other test file uses. */
export function uniqueRedisPrefix(): string {
  return `slipway-test-${randomBytes(6).toString("hex")}`;
}
