import { createHash, randomBytes } from "node:crypto";
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
  apiId = (await workspace.sdk.apis.createApi({ name: "migrated" })).data.apiId;
});

/** A key as another system issued it, and the hash it would hand over. */
function foreignKey() {
  const key = `legacy_${randomBytes(24).toString("hex")}`;
  api.secrets.add(key);
  return { key, hash: createHash("sha256").update(key).digest("base64") };
}

describe("keys.migrateKeys through the official SDK", () => {
  it("creates keys that verify with their original plaintext, with every field given", async () => {
    const first = foreignKey();
    const second = foreignKey();
    // Looked up (and cached as unknown) before it exists: the migration must still show.
    expect((await workspace.sdk.keys.verifyKey({ key: first.key })).data.code).toBe("NOT_FOUND");
    const answer = await workspace.sdk.keys.migrateKeys({
      migrationId: "legacy-system",
      apiId,
      keys: [
        {
          hash: first.hash,
          name: "from legacy",
          externalId: "customer_1",
          meta: { plan: "pro" },
          permissions: ["documents.read"],
          credits: { remaining: 5 },
          ratelimits: [{ name: "requests", limit: 10, duration: 60_000, autoApply: true }],
        },
        { hash: second.hash, enabled: false, expires: 4_102_444_800_000 },
      ],
    });
    expect(answer.data.failed).toEqual([]);
    expect(answer.data.migrated.map((entry) => entry.hash)).toEqual([first.hash, second.hash]);
    const [firstId, secondId] = answer.data.migrated.map((entry) => entry.keyId);

    const verified = await workspace.sdk.keys.verifyKey({
      key: first.key,
      permissions: "documents.read",
    });
    expect(verified.data).toEqual(
      expect.objectContaining({
        valid: true,
        code: "VALID",
        keyId: firstId,
        name: "from legacy",
        meta: { plan: "pro" },
        credits: 4,
        identity: expect.objectContaining({ externalId: "customer_1" }),
        ratelimits: [expect.objectContaining({ name: "requests", limit: 10, remaining: 9 })],
      }),
    );
    expect((await workspace.sdk.keys.verifyKey({ key: second.key })).data.code).toBe("DISABLED");
    const read = await workspace.sdk.keys.getKey({ keyId: secondId! });
    expect(read.data).toEqual(
      expect.objectContaining({
        keyId: secondId,
        start: "",
        enabled: false,
        expires: 4_102_444_800_000,
      }),
    );
    expect(await auditActions(api, firstId!)).toEqual(["key.migrate"]);
  });

  it("lists a hash that exists already, here or in another workspace, or twice, in failed", async () => {
    const existing = foreignKey();
    await workspace.sdk.keys.migrateKeys({
      migrationId: "legacy-m1",
      apiId,
      keys: [{ hash: existing.hash }],
    });
    const elsewhere = await api.newWorkspace("elsewhere");
    const otherApi = (await elsewhere.sdk.apis.createApi({ name: "theirs" })).data.apiId;
    const theirs = foreignKey();
    await elsewhere.sdk.keys.migrateKeys({
      migrationId: "legacy-m1",
      apiId: otherApi,
      keys: [{ hash: theirs.hash }],
    });

    const fresh = foreignKey();
    const answer = await workspace.sdk.keys.migrateKeys({
      migrationId: "legacy-m2",
      apiId,
      keys: [
        { hash: existing.hash, name: "again" },
        { hash: fresh.hash },
        { hash: theirs.hash },
        { hash: fresh.hash, name: "twice" },
      ],
    });
    expect(answer.data.migrated.map((entry) => entry.hash)).toEqual([fresh.hash]);
    expect(answer.data.failed).toEqual([existing.hash, theirs.hash, fresh.hash]);
    // The other workspace's key is untouched and still its own.
    const stillTheirs = await elsewhere.sdk.keys.verifyKey({ key: theirs.key });
    expect(stillTheirs.data.code).toBe("VALID");
    expect((await workspace.sdk.keys.verifyKey({ key: theirs.key })).data.code).toBe("NOT_FOUND");
  });

  it("answers 400 for a hash not in base64 SHA-256 form, no keys, or more than 1000", async () => {
    const hex = createHash("sha256").update("k").digest("hex");
    const tooMany = Array.from({ length: 1001 }, () => ({ hash: foreignKey().hash }));
    for (const keys of [[{ hash: hex }], [{ hash: "short" }], [], tooMany]) {
      const response = await api.post(
        "/v2/keys.migrateKeys",
        { migrationId: "legacy-m3", apiId, keys },
        workspace.rootKey,
      );
      expect(response.status).toBe(400);
    }
  });

  it("answers 404 for an unknown API or role, and writes nothing", async () => {
    const key = foreignKey();
    await expect(
      workspace.sdk.keys.migrateKeys({
        migrationId: "legacy-m4",
        apiId: "api_00000000000000000000000000",
        keys: [{ hash: key.hash }],
      }),
    ).rejects.toBeInstanceOf(errors.NotFoundErrorResponse);
    await expect(
      workspace.sdk.keys.migrateKeys({
        migrationId: "legacy-m4",
        apiId,
        keys: [{ hash: key.hash }, { hash: foreignKey().hash, roles: ["no-such-role"] }],
      }),
    ).rejects.toBeInstanceOf(errors.NotFoundErrorResponse);
    expect((await workspace.sdk.keys.verifyKey({ key: key.key })).data.code).toBe("NOT_FOUND");
  });

  it("needs create_key on the API", async () => {
    const otherApi = (await workspace.sdk.apis.createApi({ name: "other" })).data.apiId;
    const scoped = await rootKeyWith(api, workspace, [`api.${otherApi}.create_key`]);
    await expect(
      scoped.sdk.keys.migrateKeys({
        migrationId: "legacy-m5",
        apiId,
        keys: [{ hash: foreignKey().hash }],
      }),
    ).rejects.toBeInstanceOf(errors.ForbiddenErrorResponse);
    const allowed = await scoped.sdk.keys.migrateKeys({
      migrationId: "legacy-m5",
      apiId: otherApi,
      keys: [{ hash: foreignKey().hash }],
    });
    expect(allowed.data.migrated).toHaveLength(1);
    const response = await api.post("/v2/keys.migrateKeys", {
      migrationId: "legacy-m5",
      apiId,
      keys: [],
    });
    expect(response.status).toBe(401);
  });
});
