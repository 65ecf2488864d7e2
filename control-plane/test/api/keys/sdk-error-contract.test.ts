import { Unkey } from "@unkey/api";
import * as errors from "@unkey/api/models/errors";
import { beforeAll, describe, expect, it } from "vitest";
import { startTestApi, type TestApi, type TestWorkspace } from "../../harness/api.js";
import { rootKeyWith } from "./key-harness.js";

// Every keys, identities, permissions and ratelimit call, through the official SDK, answers
// each 4xx the SDK documents for it as the error class the SDK parses it into: 400 for a body
// the SDK lets through but the server refuses, 401 for a root key that does not exist, 403 for
// one without the grant, 404 for an object that does not exist, 409 where a name is taken.
// (Each call's success, and its finer errors, are in the file named after it.)

let api: TestApi;
let workspace: TestWorkspace;
let powerless: Unkey;
let stranger: Unkey;
const ids = { api: "", keyId: "", key: "", namespace: "" };
const unknown = {
  api: "api_00000000000000000000000000",
  key: "key_00000000000000000000000000",
  identity: "id_00000000000000000000000000",
  permission: "perm_00000000000000000000000000",
  role: "role_00000000000000000000000000",
};
/** Passes the SDK's type checks, refused by the server's schema (control character). */
const bad = "bad\u0001value";
const hash = "A".repeat(43).concat("=");

beforeAll(async () => {
  api = await startTestApi({ redis: true });
  workspace = await api.newWorkspace();
  ids.api = (await workspace.sdk.apis.createApi({ name: "contract" })).data.apiId;
  const created = await workspace.sdk.keys.createKey({ apiId: ids.api });
  api.secrets.add(created.data.key);
  ids.keyId = created.data.keyId;
  ids.key = created.data.key;
  await workspace.sdk.identities.createIdentity({ externalId: "taken-user" });
  await workspace.sdk.permissions.createPermission({ name: "taken.perm", slug: "taken.perm" });
  await workspace.sdk.permissions.createRole({ name: "taken-role" });
  await workspace.sdk.ratelimit.limit({
    namespace: "contract.ns",
    identifier: "u",
    limit: 5,
    duration: 60_000,
  });
  ids.namespace = "contract.ns";
  // A root key of this workspace holding one grant no call below needs.
  powerless = (await rootKeyWith(api, workspace, ["api.none.read_api"])).sdk;
  stranger = new Unkey({
    rootKey: "unkey_3ZZZZnotarealrootkeyZZZZ",
    serverURL: api.url,
    retryConfig: { strategy: "none" },
  });
});

type Body = Record<string, unknown>;
interface Case {
  /** A body that succeeds with the workspace's full root key (used for 401 and 403). */
  valid: () => Body;
  badRequest: () => Body;
  notFound?: () => Body;
  conflict?: () => Body;
}

const cases: Record<string, Case> = {
  "apis.createApi": { valid: () => ({ name: "fresh-api" }), badRequest: () => ({ name: bad }) },
  "apis.getApi": {
    valid: () => ({ apiId: ids.api }),
    badRequest: () => ({ apiId: bad }),
    notFound: () => ({ apiId: unknown.api }),
  },
  "apis.listKeys": {
    valid: () => ({ apiId: ids.api }),
    badRequest: () => ({ apiId: ids.api, limit: 0 }),
    notFound: () => ({ apiId: unknown.api }),
  },
  "apis.deleteApi": {
    valid: () => ({ apiId: ids.api }),
    badRequest: () => ({ apiId: bad }),
    notFound: () => ({ apiId: unknown.api }),
  },
  "keys.createKey": {
    valid: () => ({ apiId: ids.api }),
    badRequest: () => ({ apiId: ids.api, permissions: ["has space"] }),
    notFound: () => ({ apiId: unknown.api }),
  },
  "keys.getKey": {
    valid: () => ({ keyId: ids.keyId }),
    badRequest: () => ({ keyId: bad }),
    notFound: () => ({ keyId: unknown.key }),
  },
  "keys.whoami": {
    valid: () => ({ key: ids.key }),
    badRequest: () => ({ key: "" }),
    notFound: () => ({ key: "sk_doesnotexist1234" }),
  },
  "keys.verifyKey": {
    valid: () => ({ key: ids.key }),
    badRequest: () => ({ key: ids.key, permissions: "a AND" }),
  },
  "keys.updateKey": {
    valid: () => ({ keyId: ids.keyId, name: "renamed" }),
    badRequest: () => ({ keyId: ids.keyId, name: bad }),
    notFound: () => ({ keyId: unknown.key, name: "x" }),
  },
  "keys.updateCredits": {
    valid: () => ({ keyId: ids.keyId, operation: "set", value: 10 }),
    badRequest: () => ({ keyId: ids.keyId, operation: "set", value: -1 }),
    notFound: () => ({ keyId: unknown.key, operation: "set", value: 1 }),
  },
  "keys.rerollKey": {
    valid: () => ({ keyId: ids.keyId, expiration: 60_000 }),
    badRequest: () => ({ keyId: ids.keyId, expiration: -1 }),
    notFound: () => ({ keyId: unknown.key, expiration: 0 }),
  },
  "keys.deleteKey": {
    valid: () => ({ keyId: ids.keyId }),
    badRequest: () => ({ keyId: bad }),
    notFound: () => ({ keyId: unknown.key }),
  },
  "keys.migrateKeys": {
    valid: () => ({ migrationId: "contract", apiId: ids.api, keys: [{ hash }] }),
    badRequest: () => ({ migrationId: "contract", apiId: ids.api, keys: [{ hash: "not-base64" }] }),
    notFound: () => ({ migrationId: "contract", apiId: unknown.api, keys: [{ hash }] }),
  },
  ...Object.fromEntries(
    (["addPermissions", "removePermissions", "setPermissions"] as const).map((call) => [
      `keys.${call}`,
      {
        valid: () => ({ keyId: ids.keyId, permissions: ["taken.perm"] }),
        badRequest: () => ({ keyId: ids.keyId, permissions: ["has space"] }),
        notFound: () => ({ keyId: unknown.key, permissions: ["taken.perm"] }),
      },
    ]),
  ),
  ...Object.fromEntries(
    (["addRoles", "removeRoles", "setRoles"] as const).map((call) => [
      `keys.${call}`,
      {
        valid: () => ({ keyId: ids.keyId, roles: ["taken-role"] }),
        badRequest: () => ({ keyId: ids.keyId, roles: [""] }),
        notFound: () => ({ keyId: ids.keyId, roles: ["no-such-role"] }),
      },
    ]),
  ),
  "identities.createIdentity": {
    valid: () => ({ externalId: "fresh-user" }),
    badRequest: () => ({ externalId: bad }),
    conflict: () => ({ externalId: "taken-user" }),
  },
  "identities.getIdentity": {
    valid: () => ({ identity: "taken-user" }),
    badRequest: () => ({ identity: bad }),
    notFound: () => ({ identity: unknown.identity }),
  },
  "identities.listIdentities": { valid: () => ({}), badRequest: () => ({ limit: 0 }) },
  "identities.updateIdentity": {
    valid: () => ({ identity: "taken-user", meta: { a: 1 } }),
    badRequest: () => ({ identity: bad, meta: {} }),
    notFound: () => ({ identity: unknown.identity, meta: {} }),
  },
  "identities.deleteIdentity": {
    valid: () => ({ identity: "taken-user" }),
    badRequest: () => ({ identity: bad }),
    notFound: () => ({ identity: unknown.identity }),
  },
  "permissions.createPermission": {
    valid: () => ({ name: "fresh.perm", slug: "fresh.perm" }),
    badRequest: () => ({ name: "x", slug: "has space" }),
    conflict: () => ({ name: "taken.perm", slug: "taken.perm" }),
  },
  "permissions.getPermission": {
    valid: () => ({ permission: "taken.perm" }),
    badRequest: () => ({ permission: bad }),
    notFound: () => ({ permission: unknown.permission }),
  },
  "permissions.listPermissions": { valid: () => ({}), badRequest: () => ({ limit: 0 }) },
  "permissions.deletePermission": {
    valid: () => ({ permission: "taken.perm" }),
    badRequest: () => ({ permission: bad }),
    notFound: () => ({ permission: unknown.permission }),
  },
  "permissions.createRole": {
    valid: () => ({ name: "fresh-role" }),
    badRequest: () => ({ name: bad }),
    conflict: () => ({ name: "taken-role" }),
  },
  "permissions.getRole": {
    valid: () => ({ role: "taken-role" }),
    badRequest: () => ({ role: bad }),
    notFound: () => ({ role: unknown.role }),
  },
  "permissions.listRoles": { valid: () => ({}), badRequest: () => ({ limit: 0 }) },
  "permissions.setRolePermissions": {
    valid: () => ({ roleId: "taken-role", permissions: [] }),
    badRequest: () => ({ roleId: "taken-role", permissions: ["has space"] }),
    notFound: () => ({ roleId: unknown.role, permissions: [] }),
  },
  "permissions.deleteRole": {
    valid: () => ({ role: "taken-role" }),
    badRequest: () => ({ role: bad }),
  },
  "ratelimit.limit": {
    valid: () => ({ namespace: ids.namespace, identifier: "u", limit: 5, duration: 60_000 }),
    badRequest: () => ({ namespace: ids.namespace, identifier: "u", limit: 5, duration: 1 }),
  },
  "ratelimit.multiLimit": {
    valid: () =>
      [
        { namespace: ids.namespace, identifier: "u", limit: 5, duration: 60_000 },
      ] as unknown as Body,
    badRequest: () => [] as unknown as Body,
  },
  "ratelimit.setOverride": {
    valid: () => ({ namespace: ids.namespace, identifier: "vip", limit: 9, duration: 60_000 }),
    badRequest: () => ({
      namespace: ids.namespace,
      identifier: "vip",
      limit: -1,
      duration: 60_000,
    }),
    notFound: () => ({ namespace: "no.such.ns", identifier: "vip", limit: 1, duration: 60_000 }),
  },
  "ratelimit.getOverride": {
    valid: () => ({ namespace: ids.namespace, identifier: "vip" }),
    badRequest: () => ({ namespace: ids.namespace, identifier: "" }),
    notFound: () => ({ namespace: ids.namespace, identifier: "nobody" }),
  },
  "ratelimit.listOverrides": {
    valid: () => ({ namespace: ids.namespace }),
    badRequest: () => ({ namespace: ids.namespace, limit: 0 }),
    notFound: () => ({ namespace: "no.such.ns" }),
  },
  "ratelimit.deleteOverride": {
    valid: () => ({ namespace: ids.namespace, identifier: "vip" }),
    badRequest: () => ({ namespace: ids.namespace, identifier: "" }),
    notFound: () => ({ namespace: ids.namespace, identifier: "nobody" }),
  },
};

/** `sdk.<group>.<call>(body)`, the way a user's code calls it. */
function call(sdk: Unkey, operation: string, body: Body): Promise<unknown> {
  const [group, method] = operation.split(".") as [string, string];
  // biome-ignore lint/suspicious/noExplicitAny: dispatch by name over the SDK's groups.
  const target = (sdk as any)[group];
  return target[method].call(target, body);
}

const operations = Object.keys(cases);

describe("the SDK's documented errors, per call", () => {
  it("covers every call of the issue", () => {
    expect(operations).toHaveLength(39);
  });

  it.each(operations)("%s: 400, 401, 403 and (where documented) 404 and 409", async (op) => {
    const entry = cases[op]!;
    await expect(call(workspace.sdk, op, entry.badRequest()), "400").rejects.toBeInstanceOf(
      errors.BadRequestErrorResponse,
    );
    await expect(call(stranger, op, entry.valid()), "401").rejects.toBeInstanceOf(
      errors.UnauthorizedErrorResponse,
    );
    // verifyKey: a root key without any verify permission is a 403 as well.
    await expect(call(powerless, op, entry.valid()), "403").rejects.toBeInstanceOf(
      errors.ForbiddenErrorResponse,
    );
    if (entry.notFound) {
      await expect(call(workspace.sdk, op, entry.notFound()), "404").rejects.toBeInstanceOf(
        errors.NotFoundErrorResponse,
      );
    }
    if (entry.conflict) {
      await expect(call(workspace.sdk, op, entry.conflict()), "409").rejects.toBeInstanceOf(
        errors.ConflictErrorResponse,
      );
    }
  });
});
