import { Unkey } from "@unkey/api";
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
  apiId = (await workspace.sdk.apis.createApi({ name: "identities" })).data.apiId;
});

async function keyOf(externalId: string) {
  const { data } = await workspace.sdk.keys.createKey({ apiId, externalId });
  api.secrets.add(data.key);
  return data;
}

describe("identities.* through the official SDK", () => {
  it("creates an identity and reads it by id and by externalId", async () => {
    const created = await workspace.sdk.identities.createIdentity({
      externalId: "user_create",
      meta: { plan: "pro" },
      ratelimits: [{ name: "requests", limit: 10, duration: 60_000, autoApply: true }],
    });
    const identityId = created.data.identityId;
    expect(identityId).toMatch(/^id_[0-9a-z]{26}$/);
    const expected = {
      id: identityId,
      externalId: "user_create",
      meta: { plan: "pro" },
      ratelimits: [
        {
          id: expect.stringMatching(/^rl_/),
          name: "requests",
          limit: 10,
          duration: 60_000,
          autoApply: true,
        },
      ],
    };
    expect((await workspace.sdk.identities.getIdentity({ identity: identityId })).data).toEqual(
      expected,
    );
    expect((await workspace.sdk.identities.getIdentity({ identity: "user_create" })).data).toEqual(
      expected,
    );
    expect(await auditActions(api, identityId)).toEqual(["identity.create"]);
  });

  it("answers 409 for an externalId already taken, also one a key created", async () => {
    await workspace.sdk.identities.createIdentity({ externalId: "user_twice" });
    await expect(
      workspace.sdk.identities.createIdentity({ externalId: "user_twice" }),
    ).rejects.toBeInstanceOf(errors.ConflictErrorResponse);
    await keyOf("user_by_key");
    await expect(
      workspace.sdk.identities.createIdentity({ externalId: "user_by_key" }),
    ).rejects.toBeInstanceOf(errors.ConflictErrorResponse);
  });

  it("updates: absent fields stay, meta and ratelimits replace, by externalId too", async () => {
    const { identityId } = (
      await workspace.sdk.identities.createIdentity({
        externalId: "user_update",
        meta: { plan: "free" },
        ratelimits: [{ name: "requests", limit: 1, duration: 1000 }],
      })
    ).data;
    const onlyMeta = await workspace.sdk.identities.updateIdentity({
      identity: "user_update",
      meta: { plan: "pro" },
    });
    expect(onlyMeta.data).toMatchObject({
      id: identityId,
      meta: { plan: "pro" },
      ratelimits: [{ name: "requests", limit: 1, duration: 1000, autoApply: false }],
    });
    const onlyLimits = await workspace.sdk.identities.updateIdentity({
      identity: identityId,
      ratelimits: [{ name: "heavy", limit: 5, duration: 2000, autoApply: true }],
    });
    expect(onlyLimits.data).toMatchObject({
      meta: { plan: "pro" },
      ratelimits: [{ name: "heavy", limit: 5, duration: 2000, autoApply: true }],
    });
    const cleared = await workspace.sdk.identities.updateIdentity({
      identity: identityId,
      meta: {},
      ratelimits: [],
    });
    expect(cleared.data).toEqual({
      id: identityId,
      externalId: "user_update",
      meta: {},
      ratelimits: [],
    });
    expect(await auditActions(api, identityId)).toEqual([
      "identity.create",
      "identity.update",
      "identity.update",
      "identity.update",
    ]);
  });

  it("a verify right after updateIdentity sees the identity's new limits and meta", async () => {
    const { key } = await keyOf("user_limits");
    await workspace.sdk.identities.updateIdentity({
      identity: "user_limits",
      meta: { tier: 1 },
      ratelimits: [{ name: "calls", limit: 100, duration: 60_000 }],
    });
    const first = await workspace.sdk.keys.verifyKey({ key, ratelimits: [{ name: "calls" }] });
    expect(first.data).toMatchObject({ valid: true, identity: { meta: { tier: 1 } } });
    await workspace.sdk.identities.updateIdentity({
      identity: "user_limits",
      meta: { tier: 2 },
      ratelimits: [{ name: "calls", limit: 0, duration: 60_000 }],
    });
    const second = await workspace.sdk.keys.verifyKey({ key, ratelimits: [{ name: "calls" }] });
    expect(second.data).toMatchObject({ valid: false, code: "RATE_LIMITED" });
    expect(second.data.identity?.meta).toEqual({ tier: 2 });
  });

  it("deletes by externalId: its keys keep verifying without it, the externalId is free", async () => {
    const { key, keyId } = await keyOf("user_delete");
    await workspace.sdk.identities.updateIdentity({
      identity: "user_delete",
      ratelimits: [{ name: "calls", limit: 0, duration: 60_000 }],
    });
    const limited = await workspace.sdk.keys.verifyKey({ key, ratelimits: [{ name: "calls" }] });
    expect(limited.data.code).toBe("RATE_LIMITED");
    const { identity } = (await workspace.sdk.keys.getKey({ keyId })).data;
    const deleted = await workspace.sdk.identities.deleteIdentity({ identity: "user_delete" });
    expect(deleted.meta.requestId).toBeTruthy();
    await expect(
      workspace.sdk.identities.getIdentity({ identity: identity!.id }),
    ).rejects.toBeInstanceOf(errors.NotFoundErrorResponse);
    const verified = await workspace.sdk.keys.verifyKey({ key });
    expect(verified.data).toMatchObject({ valid: true, code: "VALID" });
    expect(verified.data.identity).toBeUndefined();
    // The identity's limits went with it: the name is unknown now (412), not a shared limit.
    const named = await api.post(
      "/v2/keys.verifyKey",
      { key, ratelimits: [{ name: "calls" }] },
      workspace.rootKey,
    );
    expect(named.status).toBe(412);
    expect((await workspace.sdk.keys.getKey({ keyId })).data.identity).toBeUndefined();
    const again = await workspace.sdk.identities.createIdentity({ externalId: "user_delete" });
    expect(again.data.identityId).not.toBe(identity!.id);
    expect(await auditActions(api, identity!.id)).toEqual(["identity.update", "identity.delete"]);
  });

  it("lists in pages with a cursor, and searches id or externalId", async () => {
    const fresh = await api.newWorkspace("lister");
    const ids: string[] = [];
    for (const externalId of ["alpha", "beta", "gam-ma", "delta_1"]) {
      ids.push((await fresh.sdk.identities.createIdentity({ externalId })).data.identityId);
    }
    const first = await fresh.sdk.identities.listIdentities({ limit: 3 });
    expect(first.result.data.map((identity) => identity.id)).toEqual(ids.slice(0, 3));
    expect(first.result.pagination).toEqual({ hasMore: true, cursor: ids[2] });
    const second = await fresh.sdk.identities.listIdentities({
      limit: 3,
      cursor: first.result.pagination!.cursor!,
    });
    expect(second.result.data.map((identity) => identity.externalId)).toEqual(["delta_1"]);
    expect(second.result.pagination).toEqual({ hasMore: false });
    // Case-insensitive; `-` never occurs in an id, so no random id can match too.
    const searched = await fresh.sdk.identities.listIdentities({ search: "M-M" });
    expect(searched.result.data.map((identity) => identity.externalId)).toEqual(["gam-ma"]);
    // `_` is a literal character, not LIKE's one-character wildcard.
    const literal = await fresh.sdk.identities.listIdentities({ search: "e_" });
    expect(literal.result.data).toEqual([]);
    const byId = await fresh.sdk.identities.listIdentities({ search: ids[1]! });
    expect(byId.result.data.map((identity) => identity.externalId)).toEqual(["beta"]);
  });
});

describe("identities.* errors", () => {
  it("answers 400 for invalid bodies", async () => {
    const invalid: Array<[string, unknown]> = [
      ["identities.createIdentity", { externalId: "" }],
      ["identities.createIdentity", { externalId: "has space" }],
      ["identities.createIdentity", { externalId: "x", meta: { a: "\u0000" } }],
      [
        "identities.createIdentity",
        { externalId: "x", ratelimits: [{ name: "r", limit: 1, duration: 10 }] },
      ],
      [
        "identities.createIdentity",
        {
          externalId: "x",
          ratelimits: [
            { name: "r", limit: 1, duration: 1000 },
            { name: "r", limit: 2, duration: 1000 },
          ],
        },
      ],
      ["identities.getIdentity", {}],
      [
        "identities.updateIdentity",
        { identity: "x", ratelimits: [{ name: "r", limit: -1, duration: 1000 }] },
      ],
      ["identities.listIdentities", { limit: 0 }],
      ["identities.deleteIdentity", { identity: "" }],
    ];
    for (const [operation, body] of invalid) {
      const response = await api.post(`/v2/${operation}`, body, workspace.rootKey);
      const answer = await response.json();
      expect(response.status, `${operation} ${JSON.stringify(body)}`).toBe(400);
      expect(answer.meta.requestId).toBeTruthy();
    }
  });

  it("answers 404 for an identity that does not exist", async () => {
    await expect(
      workspace.sdk.identities.getIdentity({ identity: "nobody" }),
    ).rejects.toBeInstanceOf(errors.NotFoundErrorResponse);
    await expect(
      workspace.sdk.identities.updateIdentity({ identity: "nobody", meta: {} }),
    ).rejects.toBeInstanceOf(errors.NotFoundErrorResponse);
    await expect(
      workspace.sdk.identities.deleteIdentity({ identity: "nobody" }),
    ).rejects.toBeInstanceOf(errors.NotFoundErrorResponse);
  });

  it("answers 401 without a root key", async () => {
    const response = await api.post("/v2/identities.listIdentities", {});
    expect(response.status).toBe(401);
    // deleteIdentity's errors come as application/problem+json, the only way its SDK reads them.
    const stranger = new Unkey({
      rootKey: "not-a-root-key",
      serverURL: api.url,
      retryConfig: { strategy: "none" },
    });
    await expect(stranger.identities.deleteIdentity({ identity: "anyone" })).rejects.toBeInstanceOf(
      errors.UnauthorizedErrorResponse,
    );
  });

  it("answers 403 without the identity permission each call needs", async () => {
    await workspace.sdk.identities.createIdentity({ externalId: "guarded" });
    const reader = await rootKeyWith(api, workspace, ["identity.*.read_identity"]);
    expect((await reader.sdk.identities.getIdentity({ identity: "guarded" })).data.externalId).toBe(
      "guarded",
    );
    await expect(
      reader.sdk.identities.createIdentity({ externalId: "other" }),
    ).rejects.toBeInstanceOf(errors.ForbiddenErrorResponse);
    await expect(
      reader.sdk.identities.updateIdentity({ identity: "guarded", meta: {} }),
    ).rejects.toBeInstanceOf(errors.ForbiddenErrorResponse);
    await expect(
      reader.sdk.identities.deleteIdentity({ identity: "guarded" }),
    ).rejects.toBeInstanceOf(errors.ForbiddenErrorResponse);
    const writer = await rootKeyWith(api, workspace, ["identity.*.create_identity"]);
    await expect(writer.sdk.identities.listIdentities({})).rejects.toBeInstanceOf(
      errors.ForbiddenErrorResponse,
    );
    await expect(writer.sdk.identities.getIdentity({ identity: "guarded" })).rejects.toBeInstanceOf(
      errors.ForbiddenErrorResponse,
    );
  });
});
