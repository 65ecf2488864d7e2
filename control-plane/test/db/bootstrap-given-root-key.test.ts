import { randomBytes } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { hashRootKey } from "../../src/crypto/root-key.js";
import { rootKeys, workspaces } from "../../src/db/schema/index.js";
import { bootstrapGivenRootKey } from "../../src/services/bootstrap-given-root-key.js";
import { createTestDatabase, type TestDatabase } from "../harness/database.js";

/** The chart's SLIPWAY_BOOTSTRAP_ROOT_KEY, as the migrate Job applies it on every install and upgrade. */
let database: TestDatabase;
const newKey = () => `sw_root_${randomBytes(24).toString("hex")}`;

beforeAll(async () => {
  database = await createTestDatabase();
});

describe("bootstrapGivenRootKey", () => {
  it("makes the default workspace with the given key once, however often and concurrently it runs", async () => {
    const key = newKey();
    const outcomes = await Promise.all(
      [1, 2, 3].map(() => bootstrapGivenRootKey(database.db, key)),
    );
    expect(outcomes.sort()).toEqual(["created-workspace", "exists", "exists"]);
    expect(await bootstrapGivenRootKey(database.db, key)).toBe("exists");
    const all = await database.db.select().from(workspaces);
    expect(all.map((w) => w.name)).toEqual(["default"]);
    const keys = await database.db.select().from(rootKeys);
    // Only the hash is stored, never the key itself.
    expect(keys.map((k) => [k.workspaceId, k.hash, k.permissions])).toEqual([
      [all[0]!.id, hashRootKey(key), ["*"]],
    ]);
    expect(JSON.stringify(keys)).not.toContain(key);
  });

  it("adds a different key to the existing workspace instead of making another", async () => {
    expect(await bootstrapGivenRootKey(database.db, newKey())).toBe("added-to-workspace");
    expect(await database.db.select().from(workspaces)).toHaveLength(1);
    expect(await database.db.select().from(rootKeys)).toHaveLength(2);
  });

  it("refuses a malformed key with what to send instead, without repeating the value", async () => {
    for (const bad of [
      "hunter2",
      "sw_root_short",
      `sw_root_${"x".repeat(40)}\n`,
      "sw_root_ab cd",
    ]) {
      const error = await bootstrapGivenRootKey(database.db, bad).catch((e: Error) => e);
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).message).toMatch(/sw_root_ followed by 32-200/);
      expect((error as Error).message).not.toContain(bad);
    }
    expect(await database.db.select().from(rootKeys)).toHaveLength(2);
  });
});
