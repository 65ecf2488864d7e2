import { createKeyStore, type KeyVerifier, startKeyVerification } from "@slipway/keys";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { startTestApi, type TestApi, type TestWorkspace } from "../../harness/api.js";

let api: TestApi;
let workspace: TestWorkspace;
let apiId: string;
/** A verifier of its own, as in another API or Sentinel process: its own cache and subscriber. */
let other: KeyVerifier;
let closeOther: () => Promise<void>;
const connections: Redis[] = [];

beforeAll(async () => {
  api = await startTestApi({ redis: true });
  workspace = await api.newWorkspace();
  apiId = (await workspace.sdk.apis.createApi({ name: "elsewhere" })).data.apiId;
  const redis = new Redis(inject("redisUrl"));
  const subscriber = new Redis(inject("redisUrl"));
  connections.push(redis, subscriber);
  const started = await startKeyVerification({
    store: createKeyStore(api.database.db),
    redis,
    subscriber,
    redisPrefix: `${api.config.SLIPWAY_QUEUE_PREFIX}:`,
    // Far longer than any test runs: only the notification can make a change visible.
    cache: { ttlMs: 60 * 60_000 },
  });
  other = started.verifier;
  closeOther = started.close;
});

afterAll(async () => {
  await closeOther();
  for (const connection of connections) connection.disconnect();
});

async function newKey(body: { permissions?: string[]; roles?: string[]; externalId?: string }) {
  const { data } = await workspace.sdk.keys.createKey({ apiId, ...body });
  api.secrets.add(data.key);
  return data;
}

/** What the other process answers; cached there after the first call. */
const elsewhere = async (
  key: string,
  request: { permissionQuery?: string; ratelimits?: Array<{ name: string }> },
) => (await other.verify({ workspaceId: workspace.workspaceId, key, ...request })).code;

/**
 * The other process gets the change by notification, shortly after the call returns. The
 * timeout only ends a broken run: its cache holds entries for an hour, so any change seen
 * came by notification (how fast is printed below, not asserted).
 */
const eventually = (check: () => Promise<void>) =>
  vi.waitFor(check, { interval: 5, timeout: 15_000 });

/** Ms from `since` until the other process answers `code` for the key. */
async function seenAfter(since: number, key: string, code: string): Promise<number> {
  await eventually(async () => expect(await elsewhere(key, {})).toBe(code));
  return Date.now() - since;
}

describe("another process's cached verifier stops a key the API changed", () => {
  it("deleted, disabled, rerolled with expiration 0: the figures are printed", async () => {
    const figures: string[] = [];
    const deleted = await newKey({});
    const disabled = await newKey({});
    const rerolled = await newKey({});
    for (const { key } of [deleted, disabled, rerolled]) {
      expect(await elsewhere(key, {})).toBe("VALID");
    }
    let since = Date.now();
    await workspace.sdk.keys.deleteKey({ keyId: deleted.keyId });
    figures.push(`deleteKey ${await seenAfter(since, deleted.key, "NOT_FOUND")} ms`);
    since = Date.now();
    await workspace.sdk.keys.updateKey({ keyId: disabled.keyId, enabled: false });
    figures.push(`updateKey enabled:false ${await seenAfter(since, disabled.key, "DISABLED")} ms`);
    since = Date.now();
    const next = await workspace.sdk.keys.rerollKey({ keyId: rerolled.keyId, expiration: 0 });
    api.secrets.add(next.data.key);
    figures.push(`rerollKey expiration 0 ${await seenAfter(since, rerolled.key, "EXPIRED")} ms`);
    expect(await elsewhere(next.data.key, {})).toBe("VALID");
    console.log(`seen by the other verifier after the call started: ${figures.join(", ")}`);
  });
});

describe("another process's cached verifier sees every grant change", () => {
  it("key permissions and roles added, removed and set", async () => {
    await workspace.sdk.permissions.createRole({ name: "auditor", permissions: ["logs.read"] });
    const { key, keyId } = await newKey({});
    const query = { permissionQuery: "logs.read" };
    expect(await elsewhere(key, query)).toBe("INSUFFICIENT_PERMISSIONS");
    await workspace.sdk.keys.addRoles({ keyId, roles: ["auditor"] });
    await eventually(async () => expect(await elsewhere(key, query)).toBe("VALID"));
    await workspace.sdk.keys.setRoles({ keyId, roles: [] });
    await eventually(async () =>
      expect(await elsewhere(key, query)).toBe("INSUFFICIENT_PERMISSIONS"),
    );
    await workspace.sdk.keys.addPermissions({ keyId, permissions: ["logs.read"] });
    await eventually(async () => expect(await elsewhere(key, query)).toBe("VALID"));
    await workspace.sdk.keys.removePermissions({ keyId, permissions: ["logs.read"] });
    await eventually(async () =>
      expect(await elsewhere(key, query)).toBe("INSUFFICIENT_PERMISSIONS"),
    );
    await workspace.sdk.keys.setPermissions({ keyId, permissions: ["logs.read"] });
    await eventually(async () => expect(await elsewhere(key, query)).toBe("VALID"));
  });

  it("a role's permissions replaced, the role deleted, a permission deleted", async () => {
    const { roleId } = (
      await workspace.sdk.permissions.createRole({ name: "ops", permissions: ["ops.run"] })
    ).data;
    const byRole = await newKey({ roles: ["ops"] });
    const direct = await newKey({ permissions: ["ops.stop"] });
    expect(await elsewhere(byRole.key, { permissionQuery: "ops.run" })).toBe("VALID");
    await workspace.sdk.permissions.setRolePermissions({ roleId, permissions: ["ops.deploy"] });
    await eventually(async () =>
      expect(await elsewhere(byRole.key, { permissionQuery: "ops.deploy" })).toBe("VALID"),
    );
    await workspace.sdk.permissions.deleteRole({ role: roleId });
    await eventually(async () =>
      expect(await elsewhere(byRole.key, { permissionQuery: "ops.deploy" })).toBe(
        "INSUFFICIENT_PERMISSIONS",
      ),
    );
    expect(await elsewhere(direct.key, { permissionQuery: "ops.stop" })).toBe("VALID");
    await workspace.sdk.permissions.deletePermission({ permission: "ops.stop" });
    await eventually(async () =>
      expect(await elsewhere(direct.key, { permissionQuery: "ops.stop" })).toBe(
        "INSUFFICIENT_PERMISSIONS",
      ),
    );
  });

  it("an identity's ratelimits replaced, the identity deleted", async () => {
    const { key } = await newKey({ externalId: "tenant_1" });
    await workspace.sdk.identities.updateIdentity({
      identity: "tenant_1",
      ratelimits: [{ name: "calls", limit: 1000, duration: 60_000 }],
    });
    const limited = { ratelimits: [{ name: "calls" }] };
    await eventually(async () => expect(await elsewhere(key, limited)).toBe("VALID"));
    await workspace.sdk.identities.updateIdentity({
      identity: "tenant_1",
      ratelimits: [{ name: "calls", limit: 0, duration: 60_000 }],
    });
    await eventually(async () => expect(await elsewhere(key, limited)).toBe("RATE_LIMITED"));
    await workspace.sdk.identities.deleteIdentity({ identity: "tenant_1" });
    // The identity's limit went with it: the name is unknown to the key now.
    await eventually(async () =>
      expect(other.verify({ workspaceId: workspace.workspaceId, key, ...limited })).rejects.toThrow(
        /calls/,
      ),
    );
    expect(await elsewhere(key, {})).toBe("VALID");
  });
});
