import { beforeAll, describe, expect, it } from "vitest";
import { startTestApi, type TestApi, type TestWorkspace } from "../../harness/api.js";
import { rootKeyWith } from "./key-harness.js";

let api: TestApi;
let workspace: TestWorkspace;

beforeAll(async () => {
  api = await startTestApi({ redis: true });
  workspace = await api.newWorkspace();
});

/** Polls getKey until `lastUsedAt` shows (the write-back runs every second). */
async function lastUsedAtOf(keyId: string): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const { data } = await workspace.sdk.keys.getKey({ keyId });
    if (data.lastUsedAt !== undefined) return data.lastUsedAt;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`lastUsedAt of ${keyId} never appeared`);
}

describe("lastUsedAt", () => {
  it("is absent before any verification and set after one, in getKey and listKeys", async () => {
    const { apiId } = (await workspace.sdk.apis.createApi({ name: "used" })).data;
    const { key, keyId } = (await workspace.sdk.keys.createKey({ apiId })).data;
    api.secrets.add(key);
    expect((await workspace.sdk.keys.getKey({ keyId })).data.lastUsedAt).toBeUndefined();

    const before = Date.now();
    expect((await workspace.sdk.keys.verifyKey({ key })).data.valid).toBe(true);
    const after = Date.now();
    const lastUsedAt = await lastUsedAtOf(keyId);
    // Written back with millisecond precision from the verifier's clock.
    expect(lastUsedAt).toBeGreaterThanOrEqual(before);
    expect(lastUsedAt).toBeLessThanOrEqual(after);

    const listed = await workspace.sdk.apis.listKeys({ apiId });
    expect(listed.result.data[0]?.lastUsedAt).toBe(lastUsedAt);
  });

  it("counts a failed verification of a found key, never a key the caller may not see", async () => {
    const { apiId } = (await workspace.sdk.apis.createApi({ name: "disabled" })).data;
    const hidden = (await workspace.sdk.keys.createKey({ apiId })).data;
    api.secrets.add(hidden.key);
    const otherApi = (await workspace.sdk.apis.createApi({ name: "other" })).data.apiId;
    const scoped = await rootKeyWith(api, workspace, [`api.${otherApi}.verify_key`]);
    expect((await scoped.sdk.keys.verifyKey({ key: hidden.key })).data.code).toBe("NOT_FOUND");

    // Queued after the NOT_FOUND: once it is written, anything queued before would be too.
    const disabled = (await workspace.sdk.keys.createKey({ apiId, enabled: false })).data;
    api.secrets.add(disabled.key);
    expect((await workspace.sdk.keys.verifyKey({ key: disabled.key })).data.code).toBe("DISABLED");
    expect(await lastUsedAtOf(disabled.keyId)).toBeGreaterThan(0);
    expect(
      (await workspace.sdk.keys.getKey({ keyId: hidden.keyId })).data.lastUsedAt,
    ).toBeUndefined();
  });
});
