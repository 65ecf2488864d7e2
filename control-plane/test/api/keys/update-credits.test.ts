import * as errors from "@unkey/api/models/errors";
import { beforeAll, describe, expect, it } from "vitest";
import { startTestApi, type TestApi, type TestWorkspace } from "../../harness/api.js";
import { auditActions, rootKeyWith } from "./key-harness.js";

let api: TestApi;
let workspace: TestWorkspace;
let apiId: string;

beforeAll(async () => {
  api = await startTestApi({ redis: true });
  workspace = await api.newWorkspace();
  apiId = (await workspace.sdk.apis.createApi({ name: "credits" })).data.apiId;
});

async function create(body: Record<string, unknown> = {}) {
  const { data } = await workspace.sdk.keys.createKey({ apiId, ...body });
  api.secrets.add(data.key);
  return data;
}

describe("keys.updateCredits", () => {
  it("sets, increments and decrements (stopping at zero) the live balance", async () => {
    const { key, keyId } = await create({
      credits: { remaining: 5, refill: { interval: "daily", amount: 5 } },
    });
    expect((await workspace.sdk.keys.verifyKey({ key })).data.credits).toBe(4);
    const incremented = await workspace.sdk.keys.updateCredits({
      keyId,
      operation: "increment",
      value: 10,
    });
    expect(incremented.data).toEqual({
      remaining: 14,
      refill: { interval: "daily", amount: 5 },
    });
    const decremented = await workspace.sdk.keys.updateCredits({
      keyId,
      operation: "decrement",
      value: 100,
    });
    expect(decremented.data.remaining).toBe(0);
    expect((await workspace.sdk.keys.verifyKey({ key })).data.code).toBe("USAGE_EXCEEDED");
    await workspace.sdk.keys.updateCredits({ keyId, operation: "set", value: 2 });
    expect((await workspace.sdk.keys.verifyKey({ key })).data).toMatchObject({
      code: "VALID",
      credits: 1,
    });
    expect((await workspace.sdk.keys.getKey({ keyId })).data.credits?.remaining).toBe(1);
    expect(await auditActions(api, keyId)).toEqual([
      "key.create",
      "key.update_credits",
      "key.update_credits",
      "key.update_credits",
    ]);
  });

  it("makes a key unlimited with set null, and limited again with set", async () => {
    const { key, keyId } = await create({
      credits: { remaining: 1, refill: { interval: "daily", amount: 1 } },
    });
    const unlimited = await workspace.sdk.keys.updateCredits({
      keyId,
      operation: "set",
      value: null,
    });
    expect(unlimited.data).toEqual({ remaining: null });
    for (let i = 0; i < 3; i++) {
      const verified = await workspace.sdk.keys.verifyKey({ key });
      expect(verified.data.code).toBe("VALID");
      expect(verified.data.credits).toBeUndefined();
    }
    expect((await workspace.sdk.keys.getKey({ keyId })).data.credits).toBeUndefined();
    await workspace.sdk.keys.updateCredits({ keyId, operation: "set", value: 1 });
    expect((await workspace.sdk.keys.verifyKey({ key })).data).toMatchObject({ credits: 0 });
    expect((await workspace.sdk.keys.verifyKey({ key })).data.code).toBe("USAGE_EXCEEDED");
  });

  it("answers 400 to increment an unlimited key or without a value", async () => {
    const { keyId } = await create();
    await expect(
      workspace.sdk.keys.updateCredits({ keyId, operation: "increment", value: 1 }),
    ).rejects.toBeInstanceOf(errors.BadRequestErrorResponse);
    await expect(
      workspace.sdk.keys.updateCredits({ keyId, operation: "decrement" }),
    ).rejects.toBeInstanceOf(errors.BadRequestErrorResponse);
    await expect(
      workspace.sdk.keys.updateCredits({ keyId, operation: "set", value: -1 }),
    ).rejects.toBeInstanceOf(errors.BadRequestErrorResponse);
  });

  it("answers 404 for an unknown key and 403 without update_key on its API", async () => {
    await expect(
      workspace.sdk.keys.updateCredits({
        keyId: "key_00000000000000000000000000",
        operation: "set",
        value: 1,
      }),
    ).rejects.toBeInstanceOf(errors.NotFoundErrorResponse);
    const { keyId } = await create({ credits: { remaining: 1 } });
    const reader = await rootKeyWith(api, workspace, ["api.*.read_key"]);
    await expect(
      reader.sdk.keys.updateCredits({ keyId, operation: "set", value: 9 }),
    ).rejects.toBeInstanceOf(errors.ForbiddenErrorResponse);
  });
});
