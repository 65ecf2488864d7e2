import { V2KeysVerifyKeyResponseData$inboundSchema } from "@unkey/api/models/components";
import * as errors from "@unkey/api/models/errors";
import { beforeAll, describe, expect, it } from "vitest";
import { startTestApi, type TestApi, type TestWorkspace } from "../../harness/api.js";
import { rootKeyWith } from "./key-harness.js";

let api: TestApi;
let workspace: TestWorkspace;
let apiId: string;

beforeAll(async () => {
  api = await startTestApi({ redis: true });
  workspace = await api.newWorkspace();
  apiId = (await workspace.sdk.apis.createApi({ name: "payments" })).data.apiId;
});

async function create(body: Record<string, unknown> = {}, inApi = apiId) {
  const { data } = await workspace.sdk.keys.createKey({ apiId: inApi, ...body });
  api.secrets.add(data.key);
  return data;
}

const verify = async (body: Parameters<TestWorkspace["sdk"]["keys"]["verifyKey"]>[0]) =>
  (await workspace.sdk.keys.verifyKey(body)).data;

describe("keys.verifyKey through the official SDK: 200 with a code for every outcome", () => {
  it("VALID, in exactly the SDK's response shape", async () => {
    const { key, keyId } = await create({ name: "ok" });
    const response = await api.post("/v2/keys.verifyKey", { key }, workspace.rootKey);
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(V2KeysVerifyKeyResponseData$inboundSchema.parse(body.data)).toEqual(body.data);
    expect(body.data).toEqual({ valid: true, code: "VALID", keyId, name: "ok", enabled: true });
  });

  it("NOT_FOUND for an unknown key, without a keyId", async () => {
    const unknown = `acme_${"1".repeat(22)}`;
    expect(await verify({ key: unknown })).toEqual({ valid: false, code: "NOT_FOUND" });
  });

  it("DISABLED and EXPIRED", async () => {
    const disabled = await create({ enabled: false });
    expect(await verify({ key: disabled.key })).toMatchObject({
      valid: false,
      code: "DISABLED",
      keyId: disabled.keyId,
    });
    const expired = await create({ expires: Date.now() - 1000 });
    expect(await verify({ key: expired.key })).toMatchObject({ valid: false, code: "EXPIRED" });
  });

  it("INSUFFICIENT_PERMISSIONS, with the key's permissions", async () => {
    const { key } = await create({ permissions: ["documents.read"] });
    expect(await verify({ key, permissions: "documents.read OR admin" })).toMatchObject({
      valid: true,
      permissions: ["documents.read"],
    });
    expect(await verify({ key, permissions: "documents.read AND admin" })).toMatchObject({
      valid: false,
      code: "INSUFFICIENT_PERMISSIONS",
      permissions: ["documents.read"],
    });
  });

  it("answers 400 for a malformed permission query", async () => {
    const { key } = await create();
    for (const query of ["a AND", "()", "(a", "a & b"]) {
      await expect(verify({ key, permissions: query })).rejects.toBeInstanceOf(
        errors.BadRequestErrorResponse,
      );
    }
  });

  it("RATE_LIMITED after the limit, spending no credits", async () => {
    const { key } = await create({
      credits: { remaining: 10 },
      ratelimits: [{ name: "requests", limit: 2, duration: 60_000, autoApply: true }],
    });
    expect(await verify({ key })).toMatchObject({ code: "VALID", credits: 9 });
    expect(await verify({ key })).toMatchObject({ code: "VALID", credits: 8 });
    const limited = await verify({ key });
    expect(limited).toMatchObject({ valid: false, code: "RATE_LIMITED" });
    expect(limited.ratelimits?.[0]).toMatchObject({ name: "requests", exceeded: true });
    expect(limited.credits).toBeUndefined();
  });

  it("USAGE_EXCEEDED when the credits run out; cost 0 still passes", async () => {
    const { key } = await create({ credits: { remaining: 1 } });
    expect(await verify({ key })).toMatchObject({ code: "VALID", credits: 0 });
    expect(await verify({ key })).toMatchObject({
      valid: false,
      code: "USAGE_EXCEEDED",
      credits: 0,
    });
    expect(await verify({ key, credits: { cost: 0 } })).toMatchObject({ code: "VALID" });
  });

  it("checks a named ratelimit, an inline one, and answers 412 for an unknown name", async () => {
    const { key } = await create({ ratelimits: [{ name: "heavy", limit: 1, duration: 60_000 }] });
    expect(await verify({ key, ratelimits: [{ name: "heavy" }] })).toMatchObject({
      code: "VALID",
    });
    expect(await verify({ key, ratelimits: [{ name: "heavy" }] })).toMatchObject({
      code: "RATE_LIMITED",
    });
    const inline = await verify({
      key,
      ratelimits: [{ name: "inline", limit: 5, duration: 1000 }],
    });
    expect(inline).toMatchObject({ code: "VALID" });
    const failure = await workspace.sdk.keys
      .verifyKey({ key, ratelimits: [{ name: "nowhere" }] })
      .catch((error) => error);
    expect(failure).toBeInstanceOf(errors.APIError);
    expect(failure.statusCode).toBe(412);
  });
});

describe("verify_key grants decide where a root key may verify", () => {
  it("answers 403 to a root key without any verify permission", async () => {
    const { key } = await create();
    const reader = await rootKeyWith(api, workspace, ["api.*.read_key", "api.*.create_key"]);
    await expect(reader.sdk.keys.verifyKey({ key })).rejects.toBeInstanceOf(
      errors.ForbiddenErrorResponse,
    );
  });

  it("answers NOT_FOUND without a keyId for a key of an API it may not verify in", async () => {
    const other = (await workspace.sdk.apis.createApi({ name: "other" })).data.apiId;
    const mine = await create();
    const theirs = await create({}, other);
    const scoped = await rootKeyWith(api, workspace, [`api.${apiId}.verify_key`]);
    expect((await scoped.sdk.keys.verifyKey({ key: mine.key })).data.code).toBe("VALID");
    expect((await scoped.sdk.keys.verifyKey({ key: theirs.key })).data).toEqual({
      valid: false,
      code: "NOT_FOUND",
    });
  });

  it("answers NOT_FOUND to another workspace's root key, even with every permission", async () => {
    const { key } = await create({ name: "private" });
    const stranger = await api.newWorkspace("stranger");
    expect((await stranger.sdk.keys.verifyKey({ key })).data).toEqual({
      valid: false,
      code: "NOT_FOUND",
    });
  });
});
