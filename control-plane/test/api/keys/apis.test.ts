import * as errors from "@unkey/api/models/errors";
import { Redis } from "ioredis";
import { beforeAll, describe, expect, inject, it, onTestFinished } from "vitest";
import { startTestApi, type TestApi, type TestWorkspace } from "../../harness/api.js";
import { auditActions, rootKeyWith } from "./key-harness.js";

let api: TestApi;
let workspace: TestWorkspace;

beforeAll(async () => {
  api = await startTestApi({ redis: true });
  workspace = await api.newWorkspace();
});

describe("apis.createApi / getApi / deleteApi through the official SDK", () => {
  it("creates, reads and deletes an API, each with its audit row", async () => {
    const created = await workspace.sdk.apis.createApi({ name: "payments-prod" });
    expect(created.data.apiId).toMatch(/^api_[0-9a-z]{26}$/);
    const apiId = created.data.apiId;

    const read = await workspace.sdk.apis.getApi({ apiId });
    expect(read.data).toEqual({ id: apiId, name: "payments-prod" });

    const deleted = await workspace.sdk.apis.deleteApi({ apiId });
    expect(deleted.data).toEqual({});
    await expect(workspace.sdk.apis.getApi({ apiId })).rejects.toBeInstanceOf(
      errors.NotFoundErrorResponse,
    );
    expect(await auditActions(api, apiId)).toEqual(["api.create", "api.delete"]);
  });

  it("deletes the API's keys with it: they stop verifying", async () => {
    const { apiId } = (await workspace.sdk.apis.createApi({ name: "short-lived" })).data;
    const { key } = (await workspace.sdk.keys.createKey({ apiId })).data;
    api.secrets.add(key);
    expect((await workspace.sdk.keys.verifyKey({ key })).data.code).toBe("VALID");
    await workspace.sdk.apis.deleteApi({ apiId });
    const after = await workspace.sdk.keys.verifyKey({ key });
    expect(after.data).toEqual({ valid: false, code: "NOT_FOUND" });
  });

  it("clears the live credit balances of the API's keys from Redis", async () => {
    const redis = new Redis(inject("redisUrl"));
    onTestFinished(() => redis.disconnect());
    const balanceKey = (keyId: string) => `${api.config.SLIPWAY_QUEUE_PREFIX}:credits:${keyId}`;
    const { apiId } = (await workspace.sdk.apis.createApi({ name: "metered" })).data;
    const kept = (await workspace.sdk.apis.createApi({ name: "metered-kept" })).data.apiId;
    const created = await Promise.all(
      [apiId, apiId, kept].map(async (id) => {
        const { key, keyId } = (
          await workspace.sdk.keys.createKey({ apiId: id, credits: { remaining: 10 } })
        ).data;
        api.secrets.add(key);
        // A verify loads the balance into Redis and spends from it there.
        expect((await workspace.sdk.keys.verifyKey({ key })).data.credits).toBe(9);
        return keyId;
      }),
    );
    for (const keyId of created) expect(await redis.exists(balanceKey(keyId))).toBe(1);
    await workspace.sdk.apis.deleteApi({ apiId });
    expect(await redis.exists(balanceKey(created[0]!))).toBe(0);
    expect(await redis.exists(balanceKey(created[1]!))).toBe(0);
    expect(await redis.exists(balanceKey(created[2]!))).toBe(1);
    expect(
      await redis.zscore(`${api.config.SLIPWAY_QUEUE_PREFIX}:credits:dirty`, created[0]!),
    ).toBe(null);
  });

  it("answers 400 for a name too short or with control characters", async () => {
    await expect(workspace.sdk.apis.createApi({ name: "ab" })).rejects.toBeInstanceOf(
      errors.BadRequestErrorResponse,
    );
    await expect(workspace.sdk.apis.createApi({ name: "bad\u0000name" })).rejects.toBeInstanceOf(
      errors.BadRequestErrorResponse,
    );
  });

  it("answers 404 for an unknown API on get and delete", async () => {
    const unknown = "api_00000000000000000000000000";
    await expect(workspace.sdk.apis.getApi({ apiId: unknown })).rejects.toBeInstanceOf(
      errors.NotFoundErrorResponse,
    );
    await expect(workspace.sdk.apis.deleteApi({ apiId: unknown })).rejects.toBeInstanceOf(
      errors.NotFoundErrorResponse,
    );
  });

  it("answers 401 without a valid root key", async () => {
    const response = await api.post("/v2/apis.createApi", { name: "nobody" });
    expect(response.status).toBe(401);
    const wrong = await api.post("/v2/apis.getApi", { apiId: "api_x" }, "sk_not_a_key");
    expect(wrong.status).toBe(401);
  });

  it("checks Unkey's permissions on the API addressed", async () => {
    const one = (await workspace.sdk.apis.createApi({ name: "one" })).data.apiId;
    const two = (await workspace.sdk.apis.createApi({ name: "two" })).data.apiId;
    const reader = await rootKeyWith(api, workspace, [`api.${one}.read_api`]);
    expect((await reader.sdk.apis.getApi({ apiId: one })).data.name).toBe("one");
    await expect(reader.sdk.apis.getApi({ apiId: two })).rejects.toBeInstanceOf(
      errors.ForbiddenErrorResponse,
    );
    await expect(reader.sdk.apis.createApi({ name: "three" })).rejects.toBeInstanceOf(
      errors.ForbiddenErrorResponse,
    );
    await expect(reader.sdk.apis.deleteApi({ apiId: one })).rejects.toBeInstanceOf(
      errors.ForbiddenErrorResponse,
    );

    const creator = await rootKeyWith(api, workspace, ["api.*.create_api"]);
    expect((await creator.sdk.apis.createApi({ name: "three" })).data.apiId).toMatch(/^api_/);
    const deleter = await rootKeyWith(api, workspace, [`api.${two}.delete_api`]);
    await deleter.sdk.apis.deleteApi({ apiId: two });
    await expect(workspace.sdk.apis.getApi({ apiId: two })).rejects.toBeInstanceOf(
      errors.NotFoundErrorResponse,
    );
  });
});
