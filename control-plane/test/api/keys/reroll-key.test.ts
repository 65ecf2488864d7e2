import { newId } from "@slipway/shared";
import * as errors from "@unkey/api/models/errors";
import { beforeAll, describe, expect, it } from "vitest";
import { apiKeys, roles } from "../../../src/db/schema/index.js";
import { prefixOfStart } from "../../../src/services/reroll-key.js";
import { startTestApi, type TestApi, type TestWorkspace } from "../../harness/api.js";
import { auditActions, rootKeyWith } from "./key-harness.js";

let api: TestApi;
let workspace: TestWorkspace;
let apiId: string;

beforeAll(async () => {
  api = await startTestApi({ redis: true });
  workspace = await api.newWorkspace();
  apiId = (await workspace.sdk.apis.createApi({ name: "rerolls" })).data.apiId;
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

async function reroll(keyId: string, expiration: number) {
  const { data } = await workspace.sdk.keys.rerollKey({ keyId, expiration });
  api.secrets.add(data.key);
  return data;
}

describe("keys.rerollKey", () => {
  it("copies every setting to a new key; the old one stops at once with expiration 0", async () => {
    const expires = Date.now() + 3_600_000;
    const old = await create({
      prefix: "acme_live",
      name: "rotating",
      meta: { plan: "pro" },
      externalId: "user_5",
      permissions: ["documents.read"],
      roles: ["admin"],
      expires,
      credits: { remaining: 10, refill: { interval: "daily", amount: 10 } },
      ratelimits: [{ name: "requests", limit: 5, duration: 60_000, autoApply: true }],
    });
    expect((await workspace.sdk.keys.verifyKey({ key: old.key })).data.credits).toBe(9);

    const fresh = await reroll(old.keyId, 0);
    expect(fresh.keyId).not.toBe(old.keyId);
    expect(fresh.key).toMatch(/^acme_live_/);
    expect(fresh.key).not.toBe(old.key);
    expect((await workspace.sdk.keys.verifyKey({ key: old.key })).data.code).toBe("EXPIRED");

    const verified = await workspace.sdk.keys.verifyKey({
      key: fresh.key,
      permissions: "documents.read",
    });
    expect(verified.data).toMatchObject({
      valid: true,
      name: "rotating",
      meta: { plan: "pro" },
      identity: { externalId: "user_5" },
      roles: ["admin"],
      expires,
      credits: 8,
    });
    expect(verified.data.ratelimits?.[0]).toMatchObject({ name: "requests", limit: 5 });
    const copy = (await workspace.sdk.keys.getKey({ keyId: fresh.keyId })).data;
    expect(copy.credits?.refill).toEqual({ interval: "daily", amount: 10 });
    expect(await auditActions(api, old.keyId)).toEqual(["key.create", "key.reroll"]);
    const dump = JSON.stringify(await api.database.db.select().from(apiKeys));
    expect(dump).not.toContain(fresh.key);
    expect(dump).not.toContain(old.key);
  });

  it("keeps the old key valid for the overlap given", async () => {
    const old = await create();
    const fresh = await reroll(old.keyId, 60_000);
    expect((await workspace.sdk.keys.verifyKey({ key: old.key })).data.code).toBe("VALID");
    expect((await workspace.sdk.keys.verifyKey({ key: fresh.key })).data.code).toBe("VALID");
    const oldKey = (await workspace.sdk.keys.getKey({ keyId: old.keyId })).data;
    expect(oldKey.expires).toBeGreaterThan(Date.now() + 50_000);
    expect(oldKey.expires).toBeLessThanOrEqual(Date.now() + 60_000);
  });

  it("rerolls a recoverable key into a recoverable key, needing encrypt_key", async () => {
    const response = await api.post(
      "/v2/apis.createApi",
      { name: "sealed", recoverableKeys: true },
      workspace.rootKey,
    );
    const sealedApi = (await response.json()).data.apiId;
    const old = await create({ recoverable: true }, sealedApi);
    const creator = await rootKeyWith(api, workspace, ["api.*.create_key"]);
    await expect(
      creator.sdk.keys.rerollKey({ keyId: old.keyId, expiration: 0 }),
    ).rejects.toBeInstanceOf(errors.ForbiddenErrorResponse);
    const fresh = await reroll(old.keyId, 0);
    const opened = await workspace.sdk.keys.getKey({ keyId: fresh.keyId, decrypt: true });
    expect(opened.data.plaintext).toBe(fresh.key);
  });

  it("answers 404 for an unknown key and 403 without create_key", async () => {
    await expect(
      workspace.sdk.keys.rerollKey({ keyId: "key_00000000000000000000000000", expiration: 0 }),
    ).rejects.toBeInstanceOf(errors.NotFoundErrorResponse);
    const { keyId } = await create();
    const reader = await rootKeyWith(api, workspace, ["api.*.read_key"]);
    await expect(reader.sdk.keys.rerollKey({ keyId, expiration: 0 })).rejects.toBeInstanceOf(
      errors.ForbiddenErrorResponse,
    );
  });

  it("reads the prefix back from a key's start", () => {
    expect(prefixOfStart("acme_live_AbCd")).toBe("acme_live");
    expect(prefixOfStart("AbCd")).toBeUndefined();
  });
});
