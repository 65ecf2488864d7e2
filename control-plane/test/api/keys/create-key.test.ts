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

beforeAll(async () => {
  api = await startTestApi({ redis: true });
  workspace = await api.newWorkspace();
  apiId = (await workspace.sdk.apis.createApi({ name: "payments" })).data.apiId;
  await api.database.db.insert(roles).values({
    id: newId("role"),
    workspaceId: workspace.workspaceId,
    name: "admin",
    createdAt: new Date(),
  });
});

async function create(body: Record<string, unknown>) {
  const { data } = await workspace.sdk.keys.createKey({ apiId, ...body });
  api.secrets.add(data.key);
  return data;
}

describe("keys.createKey through the official SDK", () => {
  it("creates a key with every field, and verification returns them", async () => {
    const expires = Date.now() + 3_600_000;
    const created = await create({
      prefix: "acme",
      byteLength: 32,
      name: "Ada's key",
      meta: { plan: "pro", seats: 3 },
      externalId: "user_42",
      permissions: ["documents.read", "billing.*"],
      roles: ["admin"],
      expires,
      credits: { remaining: 100, refill: { interval: "monthly", amount: 100, refillDay: 15 } },
      ratelimits: [{ name: "requests", limit: 10, duration: 60_000, autoApply: true }],
      enabled: true,
    });
    expect(created.keyId).toMatch(/^key_[0-9a-z]{26}$/);
    expect(created.key).toMatch(/^acme_[1-9A-HJ-NP-Za-km-z]{40,}$/);

    const { data } = await workspace.sdk.keys.verifyKey({ key: created.key });
    expect(data).toMatchObject({
      valid: true,
      code: "VALID",
      keyId: created.keyId,
      name: "Ada's key",
      meta: { plan: "pro", seats: 3 },
      expires,
      credits: 99,
      enabled: true,
      identity: { externalId: "user_42" },
    });
    expect(data.ratelimits).toEqual([
      expect.objectContaining({ name: "requests", limit: 10, exceeded: false, remaining: 9 }),
    ]);
    const withQuery = await workspace.sdk.keys.verifyKey({
      key: created.key,
      permissions: "billing.read AND documents.read",
    });
    expect(withQuery.data).toMatchObject({
      valid: true,
      permissions: ["billing.*", "documents.read"],
      roles: ["admin"],
    });
    expect(await auditActions(api, created.keyId)).toEqual(["key.create"]);
  });

  it("stores only the hash, and a recoverable key sealed, never the plaintext", async () => {
    const recoverableApi = await api.post(
      "/v2/apis.createApi",
      { name: "recoverable", recoverableKeys: true },
      workspace.rootKey,
    );
    const recoverableApiId = (await recoverableApi.json()).data.apiId;
    const plain = await create({});
    const sealed = (
      await workspace.sdk.keys.createKey({ apiId: recoverableApiId, recoverable: true })
    ).data;
    api.secrets.add(sealed.key);
    const rows = await api.database.db.select().from(apiKeys);
    const dump = JSON.stringify(rows);
    expect(dump).not.toContain(plain.key);
    expect(dump).not.toContain(sealed.key);
    const sealedRow = rows.find((row) => row.id === sealed.keyId)!;
    expect(sealedRow.sealedKey).not.toBeNull();
    expect(sealedRow.sealedKey!.toString("utf8")).not.toContain(sealed.key);
  });

  it("answers 412 for a recoverable key in an API that does not store them", async () => {
    const failure = await workspace.sdk.keys
      .createKey({ apiId, recoverable: true })
      .catch((error) => error);
    expect(failure).toBeInstanceOf(errors.APIError);
    expect(failure.statusCode).toBe(412);
    expect(failure.body).toContain("recoverable");
  });

  it("upserts the identity of an externalId: two keys, one identity", async () => {
    const first = await create({ externalId: "org_7" });
    const second = await create({ externalId: "org_7" });
    const a = await workspace.sdk.keys.verifyKey({ key: first.key });
    const b = await workspace.sdk.keys.verifyKey({ key: second.key });
    expect(a.data.identity?.id).toMatch(/^id_/);
    expect(a.data.identity?.id).toBe(b.data.identity?.id);
  });

  it("answers 404 for a role that does not exist and for an unknown API", async () => {
    await expect(
      workspace.sdk.keys.createKey({ apiId, roles: ["admin", "ghost"] }),
    ).rejects.toBeInstanceOf(errors.NotFoundErrorResponse);
    await expect(
      workspace.sdk.keys.createKey({ apiId: "api_00000000000000000000000000" }),
    ).rejects.toBeInstanceOf(errors.NotFoundErrorResponse);
  });

  it.each<[string, Record<string, unknown>]>([
    ["a prefix with a dash", { prefix: "no-dash" }],
    ["a prefix over 16 characters", { prefix: "p".repeat(17) }],
    ["a byteLength under 16", { byteLength: 8 }],
    ["a byteLength over 255", { byteLength: 256 }],
    ["expires after 2100-01-01", { expires: 4_102_444_800_001 }],
    [
      "a refill without remaining",
      { credits: { remaining: null, refill: { interval: "daily", amount: 5 } } },
    ],
    [
      "a monthly refill without refillDay",
      { credits: { remaining: 5, refill: { interval: "monthly", amount: 5 } } },
    ],
    [
      "a daily refill with refillDay",
      { credits: { remaining: 5, refill: { interval: "daily", amount: 5, refillDay: 3 } } },
    ],
    ["negative credits", { credits: { remaining: -1 } }],
    ["a permission name with a space", { permissions: ["documents read"] }],
    ["a ratelimit duration under 1 s", { ratelimits: [{ name: "r", limit: 1, duration: 999 }] }],
    ["an externalId with a slash", { externalId: "a/b" }],
  ])("answers 400 for %s", async (_, body) => {
    await expect(workspace.sdk.keys.createKey({ apiId, ...body } as never)).rejects.toBeInstanceOf(
      errors.BadRequestErrorResponse,
    );
  });

  it("accepts expires exactly at the bound", async () => {
    const created = await create({ expires: 4_102_444_800_000 });
    const [row] = await api.database.db
      .select({ expiresAt: apiKeys.expiresAt })
      .from(apiKeys)
      .where(eq(apiKeys.id, created.keyId));
    expect(row!.expiresAt!.getTime()).toBe(4_102_444_800_000);
  });

  it("checks create_key on the API addressed", async () => {
    const other = (await workspace.sdk.apis.createApi({ name: "other" })).data.apiId;
    const scoped = await rootKeyWith(api, workspace, [`api.${apiId}.create_key`]);
    const created = (await scoped.sdk.keys.createKey({ apiId })).data;
    api.secrets.add(created.key);
    await expect(scoped.sdk.keys.createKey({ apiId: other })).rejects.toBeInstanceOf(
      errors.ForbiddenErrorResponse,
    );
    const reader = await rootKeyWith(api, workspace, ["api.*.read_api"]);
    await expect(reader.sdk.keys.createKey({ apiId })).rejects.toBeInstanceOf(
      errors.ForbiddenErrorResponse,
    );
  });
});
