import { newId } from "@slipway/shared";
import * as errors from "@unkey/api/models/errors";
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { apiKeys, roles } from "../../../src/db/schema/index.js";
import { startTestApi, type TestApi, type TestWorkspace } from "../../harness/api.js";
import { auditActions, rootKeyWith } from "./key-harness.js";

let api: TestApi;
let workspace: TestWorkspace;
let apiId: string;
let recoverableApiId: string;

beforeAll(async () => {
  api = await startTestApi({ redis: true });
  workspace = await api.newWorkspace();
  apiId = (await workspace.sdk.apis.createApi({ name: "payments" })).data.apiId;
  const response = await api.post(
    "/v2/apis.createApi",
    { name: "recoverable", recoverableKeys: true },
    workspace.rootKey,
  );
  recoverableApiId = (await response.json()).data.apiId;
  await api.database.db.insert(roles).values({
    id: newId("role"),
    workspaceId: workspace.workspaceId,
    name: "admin",
    createdAt: new Date(),
  });
});

async function create(body: Record<string, unknown> = {}, inApi = apiId) {
  const { data } = await workspace.sdk.keys.createKey({ apiId: inApi, ...body });
  api.secrets.add(data.key);
  return data;
}

describe("keys.getKey", () => {
  it("returns the key's settings and live credits, never its plaintext", async () => {
    const expires = Date.now() + 60_000;
    const { key, keyId } = await create({
      prefix: "acme",
      name: "reader",
      meta: { tier: 2 },
      externalId: "user_1",
      permissions: ["documents.read"],
      roles: ["admin"],
      expires,
      credits: { remaining: 10, refill: { interval: "daily", amount: 10 } },
      ratelimits: [{ name: "requests", limit: 5, duration: 1000, autoApply: true }],
    });
    await workspace.sdk.keys.verifyKey({ key });
    const { data } = await workspace.sdk.keys.getKey({ keyId });
    expect(data).toMatchObject({
      keyId,
      enabled: true,
      name: "reader",
      meta: { tier: 2 },
      expires,
      permissions: ["documents.read"],
      roles: ["admin"],
      credits: { remaining: 9, refill: { interval: "daily", amount: 10 } },
      identity: { externalId: "user_1" },
      ratelimits: [{ name: "requests", limit: 5, duration: 1000, autoApply: true }],
    });
    expect(data.start).toBe(key.slice(0, "acme_".length + 4));
    expect(data.createdAt).toBeGreaterThan(Date.now() - 60_000);
    expect(data.plaintext).toBeUndefined();
    expect(JSON.stringify(data)).not.toContain(key);
  });

  it("decrypts recoverable keys only, and only with decrypt_key", async () => {
    const recoverable = await create({ recoverable: true }, recoverableApiId);
    const plain = await create();
    const opened = await workspace.sdk.keys.getKey({ keyId: recoverable.keyId, decrypt: true });
    expect(opened.data.plaintext).toBe(recoverable.key);
    const notSealed = await workspace.sdk.keys.getKey({ keyId: plain.keyId, decrypt: true });
    expect(notSealed.data.plaintext).toBeUndefined();
    const reader = await rootKeyWith(api, workspace, ["api.*.read_key"]);
    expect((await reader.sdk.keys.getKey({ keyId: recoverable.keyId })).data.plaintext).toBe(
      undefined,
    );
    await expect(
      reader.sdk.keys.getKey({ keyId: recoverable.keyId, decrypt: true }),
    ).rejects.toBeInstanceOf(errors.ForbiddenErrorResponse);
  });

  it("answers 404 for an unknown key and 403 for a key of an API it may not read", async () => {
    await expect(
      workspace.sdk.keys.getKey({ keyId: "key_00000000000000000000000000" }),
    ).rejects.toBeInstanceOf(errors.NotFoundErrorResponse);
    const { keyId } = await create();
    const other = await rootKeyWith(api, workspace, [`api.${recoverableApiId}.read_key`]);
    await expect(other.sdk.keys.getKey({ keyId })).rejects.toBeInstanceOf(
      errors.ForbiddenErrorResponse,
    );
  });
});

describe("keys.deleteKey", () => {
  it("stops the key verifying at once, with an audit row", async () => {
    const { key, keyId } = await create();
    expect((await workspace.sdk.keys.verifyKey({ key })).data.code).toBe("VALID");
    expect((await workspace.sdk.keys.deleteKey({ keyId })).data).toEqual({});
    expect((await workspace.sdk.keys.verifyKey({ key })).data).toEqual({
      valid: false,
      code: "NOT_FOUND",
    });
    await expect(workspace.sdk.keys.getKey({ keyId })).rejects.toBeInstanceOf(
      errors.NotFoundErrorResponse,
    );
    await expect(workspace.sdk.keys.deleteKey({ keyId })).rejects.toBeInstanceOf(
      errors.NotFoundErrorResponse,
    );
    expect(await auditActions(api, keyId)).toEqual(["key.create", "key.delete"]);
    const [row] = await api.database.db.select().from(apiKeys).where(eq(apiKeys.id, keyId));
    expect(row?.deletedAt).toBeInstanceOf(Date);
  });

  it("removes the row with permanent", async () => {
    const { keyId } = await create();
    await workspace.sdk.keys.deleteKey({ keyId, permanent: true });
    expect(await api.database.db.select().from(apiKeys).where(eq(apiKeys.id, keyId))).toEqual([]);
  });

  it("needs delete_key on the key's API", async () => {
    const { keyId } = await create();
    const scoped = await rootKeyWith(api, workspace, [`api.${recoverableApiId}.delete_key`]);
    await expect(scoped.sdk.keys.deleteKey({ keyId })).rejects.toBeInstanceOf(
      errors.ForbiddenErrorResponse,
    );
    expect((await workspace.sdk.keys.getKey({ keyId })).data.keyId).toBe(keyId);
  });
});

describe("keys.whoami", () => {
  it("finds the key behind a plaintext", async () => {
    const { key, keyId } = await create({ name: "me" });
    const { data } = await workspace.sdk.keys.whoami({ key });
    expect(data).toMatchObject({ keyId, name: "me" });
    expect(data.plaintext).toBeUndefined();
  });

  it("answers 404 for an unknown key and for a key of an API it may not read", async () => {
    await expect(
      workspace.sdk.keys.whoami({ key: `acme_${"1".repeat(22)}` }),
    ).rejects.toBeInstanceOf(errors.NotFoundErrorResponse);
    const { key } = await create();
    const other = await rootKeyWith(api, workspace, [`api.${recoverableApiId}.read_key`]);
    await expect(other.sdk.keys.whoami({ key })).rejects.toBeInstanceOf(
      errors.NotFoundErrorResponse,
    );
    const none = await rootKeyWith(api, workspace, ["api.*.verify_key"]);
    await expect(none.sdk.keys.whoami({ key })).rejects.toBeInstanceOf(
      errors.ForbiddenErrorResponse,
    );
  });
});

describe("apis.listKeys", () => {
  it("pages through an API's keys by id and filters by externalId", async () => {
    const listed = (await workspace.sdk.apis.createApi({ name: "listed" })).data.apiId;
    const created: string[] = [];
    for (let i = 0; i < 5; i++) {
      created.push((await create(i < 2 ? { externalId: "team_a" } : {}, listed)).keyId);
    }
    const deleted = await create({}, listed);
    await workspace.sdk.keys.deleteKey({ keyId: deleted.keyId });

    const seen: string[] = [];
    let pages = 0;
    for await (const page of await workspace.sdk.apis.listKeys({ apiId: listed, limit: 2 })) {
      pages++;
      seen.push(...page.result.data.map((key) => key.keyId));
      expect(page.result.data.every((key) => key.plaintext === undefined)).toBe(true);
    }
    expect(pages).toBe(3);
    expect(seen).toEqual([...created].sort());

    const filtered = await workspace.sdk.apis.listKeys({ apiId: listed, externalId: "team_a" });
    expect(filtered.result.data.map((key) => key.keyId)).toEqual(created.slice(0, 2).sort());
    expect(filtered.result.pagination.hasMore).toBe(false);
  });

  it("decrypts recoverable keys with decrypt_key only", async () => {
    const listedApi = (
      await (
        await api.post(
          "/v2/apis.createApi",
          { name: "recoverable-list", recoverableKeys: true },
          workspace.rootKey,
        )
      ).json()
    ).data.apiId;
    const sealed = await create({ recoverable: true }, listedApi);
    const plain = await create({}, listedApi);
    const page = await workspace.sdk.apis.listKeys({ apiId: listedApi, decrypt: true });
    const byId = new Map(page.result.data.map((key) => [key.keyId, key.plaintext]));
    expect(byId.get(sealed.keyId)).toBe(sealed.key);
    expect(byId.get(plain.keyId)).toBeUndefined();

    const reader = await rootKeyWith(api, workspace, ["api.*.read_key", "api.*.read_api"]);
    expect((await reader.sdk.apis.listKeys({ apiId: listedApi })).result.data).toHaveLength(2);
    await expect(
      reader.sdk.apis.listKeys({ apiId: listedApi, decrypt: true }),
    ).rejects.toBeInstanceOf(errors.ForbiddenErrorResponse);
    const keysOnly = await rootKeyWith(api, workspace, ["api.*.read_key"]);
    await expect(keysOnly.sdk.apis.listKeys({ apiId: listedApi })).rejects.toBeInstanceOf(
      errors.ForbiddenErrorResponse,
    );
  });

  it("answers 404 for an unknown API", async () => {
    await expect(
      workspace.sdk.apis.listKeys({ apiId: "api_00000000000000000000000000" }),
    ).rejects.toBeInstanceOf(errors.NotFoundErrorResponse);
  });
});
