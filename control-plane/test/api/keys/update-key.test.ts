import { newId } from "@slipway/shared";
import * as errors from "@unkey/api/models/errors";
import { beforeAll, describe, expect, it } from "vitest";
import { roles } from "../../../src/db/schema/index.js";
import { startTestApi, type TestApi, type TestWorkspace } from "../../harness/api.js";
import { auditActions, rootKeyWith } from "./key-harness.js";

let api: TestApi;
let workspace: TestWorkspace;
let apiId: string;

beforeAll(async () => {
  api = await startTestApi({ redis: true });
  workspace = await api.newWorkspace();
  apiId = (await workspace.sdk.apis.createApi({ name: "updates" })).data.apiId;
  for (const name of ["admin", "viewer"]) {
    await api.database.db.insert(roles).values({
      id: newId("role"),
      workspaceId: workspace.workspaceId,
      name,
      createdAt: new Date(),
    });
  }
});

async function create(body: Record<string, unknown> = {}) {
  const { data } = await workspace.sdk.keys.createKey({ apiId, ...body });
  api.secrets.add(data.key);
  return data;
}

const read = async (keyId: string) => (await workspace.sdk.keys.getKey({ keyId })).data;

describe("keys.updateKey: absent stays, null clears, lists are replaced", () => {
  it("changes only the fields given, and verification sees it at once", async () => {
    const { key, keyId } = await create({
      name: "before",
      meta: { a: 1 },
      externalId: "user_1",
      permissions: ["documents.read"],
      roles: ["admin"],
      ratelimits: [{ name: "requests", limit: 5, duration: 60_000 }],
    });
    expect((await workspace.sdk.keys.verifyKey({ key })).data.code).toBe("VALID");
    const updated = await workspace.sdk.keys.updateKey({ keyId, name: "after", enabled: false });
    expect(updated.data).toEqual({});
    expect((await workspace.sdk.keys.verifyKey({ key })).data.code).toBe("DISABLED");
    expect(await read(keyId)).toMatchObject({
      name: "after",
      enabled: false,
      meta: { a: 1 },
      identity: { externalId: "user_1" },
      permissions: ["documents.read"],
      roles: ["admin"],
      ratelimits: [{ name: "requests", limit: 5 }],
    });
    expect(await auditActions(api, keyId)).toEqual(["key.create", "key.update"]);
  });

  it("clears with null and replaces permissions, roles and ratelimits", async () => {
    const { key, keyId } = await create({
      name: "temp",
      meta: { a: 1 },
      externalId: "user_2",
      expires: Date.now() + 60_000,
      permissions: ["documents.read"],
      roles: ["admin"],
      credits: { remaining: 3, refill: { interval: "daily", amount: 3 } },
      ratelimits: [{ name: "requests", limit: 5, duration: 60_000 }],
    });
    await workspace.sdk.keys.updateKey({
      keyId,
      name: null,
      meta: null,
      externalId: null,
      expires: null,
      credits: null,
      permissions: ["billing.write"],
      roles: ["viewer"],
      ratelimits: [{ name: "heavy", limit: 1, duration: 1000, autoApply: true }],
    });
    const after = await read(keyId);
    for (const field of ["name", "meta", "identity", "expires", "credits"] as const) {
      expect(after[field], field).toBeUndefined();
    }
    expect(after).toMatchObject({
      permissions: ["billing.write"],
      roles: ["viewer"],
      ratelimits: [{ name: "heavy", limit: 1, duration: 1000, autoApply: true }],
    });
    const verified = await workspace.sdk.keys.verifyKey({ key, permissions: "billing.write" });
    expect(verified.data).toMatchObject({ code: "VALID", roles: ["viewer"] });
    expect(verified.data.credits).toBeUndefined();
  });

  it("sets a new credit balance and refill, and re-links an identity", async () => {
    const { key, keyId } = await create({ credits: { remaining: 1 } });
    expect((await workspace.sdk.keys.verifyKey({ key })).data.credits).toBe(0);
    await workspace.sdk.keys.updateKey({
      keyId,
      externalId: "org_9",
      credits: { remaining: 10, refill: { interval: "monthly", amount: 10, refillDay: 1 } },
    });
    const verified = await workspace.sdk.keys.verifyKey({ key });
    expect(verified.data).toMatchObject({
      code: "VALID",
      credits: 9,
      identity: { externalId: "org_9" },
    });
    expect((await read(keyId)).credits).toEqual({
      remaining: 9,
      refill: { interval: "monthly", amount: 10, refillDay: 1 },
    });
  });

  it("answers 404 for an unknown key or role, 400 for bad values, 403 without update_key", async () => {
    await expect(
      workspace.sdk.keys.updateKey({ keyId: "key_00000000000000000000000000", name: "x" }),
    ).rejects.toBeInstanceOf(errors.NotFoundErrorResponse);
    const { keyId } = await create({ name: "kept" });
    await expect(workspace.sdk.keys.updateKey({ keyId, roles: ["ghost"] })).rejects.toBeInstanceOf(
      errors.NotFoundErrorResponse,
    );
    await expect(
      workspace.sdk.keys.updateKey({ keyId, expires: 4_102_444_800_001 }),
    ).rejects.toBeInstanceOf(errors.BadRequestErrorResponse);
    await expect(
      workspace.sdk.keys.updateKey({
        keyId,
        credits: { refill: { interval: "daily", amount: 1 } },
      }),
    ).rejects.toBeInstanceOf(errors.BadRequestErrorResponse);
    const reader = await rootKeyWith(api, workspace, ["api.*.read_key"]);
    await expect(reader.sdk.keys.updateKey({ keyId, name: "pwned" })).rejects.toBeInstanceOf(
      errors.ForbiddenErrorResponse,
    );
    expect((await read(keyId)).name).toBe("kept");
  });
});
