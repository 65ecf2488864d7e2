import { randomBytes } from "node:crypto";
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { migrate } from "drizzle-orm/node-postgres/migrator";
import pg from "pg";
import { afterAll, describe, expect, inject, it } from "vitest";
import { connectDatabase } from "../../src/db/client.js";
import { migrationsFolder, runMigrations } from "../../src/db/migrate.js";
import { withDatabase } from "../harness/global-setup.js";

const adminUrl = inject("postgresAdminUrl");
const name = `slipway_upgrade_${randomBytes(4).toString("hex")}`;
const folders: string[] = [];

async function admin(sql: string) {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
}

afterAll(async () => {
  await admin(`drop database if exists ${name} with (force)`);
  for (const folder of folders) await rm(folder, { recursive: true, force: true });
});

/** The migrations as they were before 0008: a copy whose journal stops at 0007. */
async function migrationsBefore0008(): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), "slipway-migrations-"));
  folders.push(folder);
  await cp(migrationsFolder, folder, { recursive: true });
  const journalPath = join(folder, "meta", "_journal.json");
  const journal = JSON.parse(await readFile(journalPath, "utf8"));
  journal.entries = journal.entries.filter((entry: { idx: number }) => entry.idx < 8);
  await writeFile(journalPath, JSON.stringify(journal));
  return folder;
}

describe("migration 0008 on a database with data", () => {
  it("keeps a hostname verified by several workspaces verified in the earliest one only", async () => {
    await admin(`create database ${name}`);
    const handle = connectDatabase(withDatabase(adminUrl, name), { maxConnections: 1 });
    try {
      await migrate(handle.db, { migrationsFolder: await migrationsBefore0008() });
      // Rows as an older Slipway could leave them; their workspaces and apps don't matter here.
      await handle.pool.query("set session_replication_role = replica");
      const insert = (id: string, workspace: string, domain: string, status: string, at: string) =>
        handle.pool.query(
          `insert into domains (id, workspace_id, project_id, app_id, environment_id, domain,
             is_apex, status, verification_token, verification_started_at, created_at, updated_at)
           values ($1, $2, 'proj_x', 'app_x', 'env_x', $3, false, $4, 't', $5, $5, $5)`,
          [id, workspace, domain, status, at],
        );
      await insert("dom_1", "ws_late", "www.shared-example.com", "verified", "2026-02-01");
      await insert("dom_2", "ws_early", "www.shared-example.com", "verified", "2026-01-01");
      await insert("dom_3", "ws_other", "www.shared-example.com", "verifying", "2026-03-01");
      await insert("dom_4", "ws_late", "only-example.com", "verified", "2026-02-01");
      await handle.pool.query("set session_replication_role = origin");

      await runMigrations(handle.db);
      const rows = await handle.pool.query(
        "select id, status, verification_error from domains order by id",
      );
      expect(rows.rows.map((row) => [row.id, row.status])).toEqual([
        ["dom_1", "failed"],
        ["dom_2", "verified"],
        ["dom_3", "verifying"],
        ["dom_4", "verified"],
      ]);
      expect(rows.rows[0].verification_error).toContain("verified by another workspace");
    } finally {
      await handle.close();
    }
  });
});
