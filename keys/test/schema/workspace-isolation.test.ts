import { newId } from "@slipway/shared";
import { beforeAll, describe, expect, it } from "vitest";
import {
  apiKeys,
  identities,
  keyPermissions,
  keyspaces,
  permissions,
} from "../../src/schema/index.js";
import { createTestDatabase, createWorkspace, type TestDatabase } from "../harness/database.js";

describe("keys schema", () => {
  let database: TestDatabase;
  const workspaceA = "ws_a";
  const workspaceB = "ws_b";
  const keyspaceB = newId("keyspace");
  const permissionB = newId("permission");

  beforeAll(async () => {
    database = await createTestDatabase();
    await createWorkspace(database.pool, workspaceA);
    await createWorkspace(database.pool, workspaceB);
    await database.db
      .insert(keyspaces)
      .values({ id: keyspaceB, workspaceId: workspaceB, name: "other", createdAt: new Date() });
    await database.db.insert(permissions).values({
      id: permissionB,
      workspaceId: workspaceB,
      name: "read",
      slug: "documents.read",
      createdAt: new Date(),
    });
  });

  const keyRow = (workspaceId: string, keyspaceId: string) => ({
    id: newId("apiKey"),
    workspaceId,
    keyspaceId,
    hash: newId("request"),
    start: "sk_abcd",
    createdAt: new Date(),
  });

  it("refuses a key in a keyspace of another workspace", async () => {
    await expect(
      database.db.insert(apiKeys).values(keyRow(workspaceA, keyspaceB)),
    ).rejects.toThrow();
  });

  it("refuses granting a permission of another workspace", async () => {
    const keyspaceA = newId("keyspace");
    await database.db
      .insert(keyspaces)
      .values({ id: keyspaceA, workspaceId: workspaceA, name: "mine", createdAt: new Date() });
    const key = keyRow(workspaceA, keyspaceA);
    await database.db.insert(apiKeys).values(key);
    await expect(
      database.db.insert(keyPermissions).values({
        workspaceId: workspaceA,
        keyId: key.id,
        permissionId: permissionB,
        createdAt: new Date(),
      }),
    ).rejects.toThrow();
    await expect(
      database.db.insert(keyPermissions).values({
        workspaceId: workspaceB,
        keyId: key.id,
        permissionId: permissionB,
        createdAt: new Date(),
      }),
    ).rejects.toThrow();
  });

  it("keeps external ids unique per workspace only", async () => {
    const identity = (workspaceId: string) => ({
      id: newId("identity"),
      workspaceId,
      externalId: "user_1",
      createdAt: new Date(),
    });
    await database.db.insert(identities).values(identity(workspaceA));
    await database.db.insert(identities).values(identity(workspaceB));
    await expect(database.db.insert(identities).values(identity(workspaceA))).rejects.toThrow();
  });

  it("refuses negative credits, a refill without credits and invalid permission names", async () => {
    const keyspaceId = newId("keyspace");
    await database.db
      .insert(keyspaces)
      .values({ id: keyspaceId, workspaceId: workspaceA, name: "checks", createdAt: new Date() });
    await expect(
      database.db
        .insert(apiKeys)
        .values({ ...keyRow(workspaceA, keyspaceId), creditsRemaining: -1 }),
    ).rejects.toMatchObject({ cause: { constraint: "api_keys_credits_not_negative" } });
    await expect(
      database.db.insert(apiKeys).values({
        ...keyRow(workspaceA, keyspaceId),
        refillInterval: "daily",
        refillAmount: 10,
      }),
    ).rejects.toMatchObject({ cause: { constraint: "api_keys_refill_needs_credits" } });
    for (const refill of [
      { refillInterval: "daily" as const, refillAmount: null },
      { refillInterval: "monthly" as const, refillAmount: 10 },
      { refillInterval: "daily" as const, refillAmount: 10, refillDay: 3 },
      { refillInterval: null, refillDay: 3 },
      { refillInterval: "monthly" as const, refillAmount: 10, refillDay: 32 },
    ]) {
      await expect(
        database.db
          .insert(apiKeys)
          .values({ ...keyRow(workspaceA, keyspaceId), creditsRemaining: 5, ...refill }),
      ).rejects.toMatchObject({ cause: { code: "23514" } });
    }
    await database.db.insert(apiKeys).values({
      ...keyRow(workspaceA, keyspaceId),
      creditsRemaining: 5,
      refillInterval: "monthly",
      refillAmount: 10,
      refillDay: 31,
    });
    await expect(
      database.db.insert(permissions).values({
        id: newId("permission"),
        workspaceId: workspaceA,
        name: "bad",
        slug: "with space",
        createdAt: new Date(),
      }),
    ).rejects.toMatchObject({ cause: { constraint: "permissions_slug_pattern" } });
  });
});
