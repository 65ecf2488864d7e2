import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, describe, expect, inject, it } from "vitest";
import { connectDatabase } from "../../src/db/client.js";
import { runMigrations } from "../../src/db/migrate.js";
import { withDatabase } from "../harness/global-setup.js";

const adminUrl = inject("postgresAdminUrl");
const name = `slipway_migrate_${randomBytes(4).toString("hex")}`;

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
});

describe("migrations", () => {
  it("build the whole schema on an empty database, and a second run changes nothing", async () => {
    await admin(`create database ${name}`);
    const handle = connectDatabase(withDatabase(adminUrl, name), { maxConnections: 1 });
    try {
      await runMigrations(handle.db);
      const tables = await handle.pool.query(
        "select table_name from information_schema.tables where table_schema = 'public' order by table_name",
      );
      expect(tables.rows.map((row) => row.table_name)).toEqual([
        "api_keys",
        "apps",
        "audit_logs",
        "deployment_logs",
        "deployment_steps",
        "deployments",
        "domains",
        "environment_variables",
        "environments",
        "gateway_policies",
        // A view: what Sentinel reads (migration 0009).
        "gateway_routes",
        "github_deliveries",
        "github_install_flows",
        "github_installations",
        "github_push_claims",
        "github_sign_in_states",
        "identities",
        "key_permissions",
        "key_ratelimits",
        "key_roles",
        "keyspaces",
        "permissions",
        "projects",
        "pull_request_comments",
        "ratelimit_namespaces",
        "ratelimit_overrides",
        "request_logs",
        "role_permissions",
        "roles",
        "root_keys",
        "sessions",
        "source_uploads",
        "workspaces",
      ]);
      // Request logs are range-partitioned by day (the hand-edited part of migration 0010).
      const partitioned = await handle.pool.query(
        `select pg_get_partkeydef('request_logs'::regclass) as key`,
      );
      expect(partitioned.rows[0].key).toBe('RANGE ("time")');
      const applied = await handle.pool.query(
        "select count(*)::int as count from drizzle.__drizzle_migrations",
      );
      await runMigrations(handle.db);
      const again = await handle.pool.query(
        "select count(*)::int as count from drizzle.__drizzle_migrations",
      );
      expect(again.rows[0].count).toBe(applied.rows[0].count);
    } finally {
      await handle.close();
    }
  });

  it("enforce slugs as DNS labels in the database itself", async () => {
    const handle = connectDatabase(withDatabase(adminUrl, name), { maxConnections: 1 });
    try {
      await handle.pool.query(
        "insert into workspaces (id, name, created_at) values ('ws_x', 'x', now())",
      );
      const insert = (slug: string) =>
        handle.pool.query(
          "insert into projects (id, workspace_id, name, slug, created_at) values ($1, 'ws_x', 'n', $2, now())",
          [`proj_${slug.length}${randomBytes(3).toString("hex")}`, slug],
        );
      await expect(insert("Not_A_Label")).rejects.toThrow(/projects_slug_dns_label/);
      await expect(insert("trailing-")).rejects.toThrow(/projects_slug_dns_label/);
      await expect(insert("fine-slug")).resolves.toBeDefined();
    } finally {
      await handle.close();
    }
  });
});
