import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

// @slipway/keys is the one module that writes keys, identities, permissions, roles and their
// links: a write elsewhere skips the locks that keep grants and deletes from racing into a
// 500, and the checks of names and hashes. This reads every workspace's source, so a new
// writer outside keys/src fails here.

const repositoryRoot = join(import.meta.dirname, "..", "..");
const keysSource = join(repositoryRoot, "keys", "src");

const drizzleTables = [
  "apiKeys",
  "identities",
  "permissions",
  "roles",
  "keyPermissions",
  "keyRoles",
  "keyRatelimits",
  "rolePermissions",
];
const sqlTables = [
  "api_keys",
  "identities",
  "permissions",
  "roles",
  "key_permissions",
  "key_roles",
  "key_ratelimits",
  "role_permissions",
];
const writes = [
  new RegExp(`\\.(update|insert|delete)\\(\\s*(${drizzleTables.join("|")})\\s*\\)`),
  new RegExp(`\\b(update|insert\\s+into|delete\\s+from)\\s+"?(${sqlTables.join("|")})\\b`, "i"),
];

/** Comments say "update roles" in prose; only code counts. */
const withoutComments = (source: string) =>
  source.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:])\/\/.*$/gm, "$1");

export function writesKeysTables(source: string): boolean {
  const code = withoutComments(source);
  return writes.some((pattern) => pattern.test(code));
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "node_modules" ? [] : sourceFiles(path);
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts") ? [path] : [];
  });
}

describe("who writes the keys tables", () => {
  it("recognises every way of writing them, and not reads or prose", () => {
    expect(writesKeysTables("await tx.update(apiKeys).set({ enabled: false })")).toBe(true);
    expect(writesKeysTables("db.insert( keyRoles ).values(rows)")).toBe(true);
    expect(writesKeysTables("await db.delete(rolePermissions).where(x)")).toBe(true);
    expect(writesKeysTables("update api_keys set enabled = false")).toBe(true);
    expect(writesKeysTables('INSERT INTO "permissions" (id) values ($1)')).toBe(true);
    expect(writesKeysTables("delete from key_ratelimits where key_id = $1")).toBe(true);
    expect(writesKeysTables("db.select().from(apiKeys)")).toBe(false);
    expect(writesKeysTables("tx.update(rootKeys).set({})")).toBe(false);
    expect(writesKeysTables("// update roles of the key, then verify")).toBe(false);
  });

  it("is only keys/src, in every workspace", () => {
    const workspaces = readdirSync(repositoryRoot, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && existsSync(join(repositoryRoot, entry.name, "src")))
      .map((entry) => join(repositoryRoot, entry.name, "src"));
    expect(workspaces).toContain(join(repositoryRoot, "control-plane", "src"));
    const writers = workspaces
      .filter((src) => src !== keysSource)
      .flatMap(sourceFiles)
      .filter((path) => writesKeysTables(readFileSync(path, "utf8")))
      .map((path) => relative(repositoryRoot, path));
    expect(writers).toEqual([]);
  });
});
