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

/** The migrations as they were before 0012: a copy whose journal stops at 0011. */
async function migrationsBefore0012(): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), "slipway-migrations-"));
  folders.push(folder);
  await cp(migrationsFolder, folder, { recursive: true });
  const journalPath = join(folder, "meta", "_journal.json");
  const journal = JSON.parse(await readFile(journalPath, "utf8"));
  journal.entries = journal.entries.filter((entry: { idx: number }) => entry.idx < 12);
  await writeFile(journalPath, JSON.stringify(journal));
  return folder;
}

describe("migration 0012 on a database with duplicate permission names", () => {
  it("keeps the oldest name, renames the others by id, then refuses a new duplicate", async () => {
    await admin(`create database ${name}`);
    const handle = connectDatabase(withDatabase(adminUrl, name), { maxConnections: 1 });
    try {
      await migrate(handle.db, { migrationsFolder: await migrationsBefore0012() });
      // Rows as an older Slipway could leave them; their workspaces don't matter here.
      await handle.pool.query("set session_replication_role = replica");
      const insert = (id: string, workspace: string, permissionName: string, slug: string) =>
        handle.pool.query(
          `insert into permissions (id, workspace_id, name, slug, created_at)
           values ($1, $2, $3, $4, now())`,
          [id, workspace, permissionName, slug],
        );
      await insert("perm_1", "ws_a", "Read docs", "docs.read");
      await insert("perm_2", "ws_a", "Read docs", "docs.read_all");
      await insert("perm_3", "ws_a", "Read docs", "docs.read_some");
      await insert("perm_4", "ws_b", "Read docs", "docs.read");
      await insert("perm_5", "ws_a", "x".repeat(512), "long.one");
      await insert("perm_6", "ws_a", "x".repeat(512), "long.two");
      await handle.pool.query("set session_replication_role = origin");

      await runMigrations(handle.db);
      const rows = await handle.pool.query("select id, name, slug from permissions order by id");
      expect(rows.rows.map((row) => [row.id, row.name, row.slug])).toEqual([
        ["perm_1", "Read docs", "docs.read"],
        ["perm_2", "Read docs (perm_2)", "docs.read_all"],
        ["perm_3", "Read docs (perm_3)", "docs.read_some"],
        ["perm_4", "Read docs", "docs.read"],
        ["perm_5", "x".repeat(512), "long.one"],
        ["perm_6", `${"x".repeat(480)} (perm_6)`, "long.two"],
      ]);
      await handle.pool.query("set session_replication_role = replica");
      await expect(insert("perm_7", "ws_a", "Read docs", "docs.other")).rejects.toThrow(
        /permissions_workspace_name_unique/,
      );
    } finally {
      await handle.close();
    }
  });
});
