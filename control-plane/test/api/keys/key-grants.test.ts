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
  apiId = (await workspace.sdk.apis.createApi({ name: "grants" })).data.apiId;
  await workspace.sdk.permissions.createRole({ name: "reader", permissions: ["docs.read"] });
  await workspace.sdk.permissions.createRole({ name: "writer", permissions: ["docs.write"] });
});

async function newKey(body: { permissions?: string[]; roles?: string[] } = {}) {
  const { data } = await workspace.sdk.keys.createKey({ apiId, ...body });
  api.secrets.add(data.key);
  return data;
}

const verify = async (key: string, permissions: string) =>
  (await workspace.sdk.keys.verifyKey({ key, permissions })).data.code;
const slugs = (permissions: Array<{ slug: string }>) => permissions.map((p) => p.slug);
const names = (roles: Array<{ name: string }>) => roles.map((r) => r.name);

describe("keys.addPermissions / removePermissions / setPermissions", () => {
  it("adds by slug or id (creating missing ones), answers the direct permissions", async () => {
    const { key, keyId } = await newKey({ permissions: ["docs.list"], roles: ["reader"] });
    expect(await verify(key, "docs.delete")).toBe("INSUFFICIENT_PERMISSIONS");
    const existing = await workspace.sdk.permissions.createPermission({
      name: "Delete docs",
      slug: "docs.delete",
    });
    const added = await workspace.sdk.keys.addPermissions({
      keyId,
      permissions: [existing.data.permissionId, "docs.share", "docs.share"],
    });
    expect(added.data).toEqual([
      { id: existing.data.permissionId, name: "Delete docs", slug: "docs.delete" },
      { id: expect.stringMatching(/^perm_/), name: "docs.list", slug: "docs.list" },
      { id: expect.stringMatching(/^perm_/), name: "docs.share", slug: "docs.share" },
    ]);
    expect(await verify(key, "docs.delete AND docs.share AND docs.read")).toBe("VALID");
    // Adding again changes nothing.
    const again = await workspace.sdk.keys.addPermissions({ keyId, permissions: ["docs.share"] });
    expect(slugs(again.data)).toEqual(["docs.delete", "docs.list", "docs.share"]);
    expect(await auditActions(api, keyId)).toEqual([
      "key.create",
      "key.add_permissions",
      "key.add_permissions",
    ]);
  });

  it("removes direct permissions only: one granted by a role still verifies", async () => {
    const { key, keyId } = await newKey({
      permissions: ["docs.read", "docs.list"],
      roles: ["reader"],
    });
    const removed = await workspace.sdk.keys.removePermissions({
      keyId,
      permissions: ["docs.read", "docs.list"],
    });
    expect(removed.data).toEqual([]);
    expect(await verify(key, "docs.read")).toBe("VALID");
    expect(await verify(key, "docs.list")).toBe("INSUFFICIENT_PERMISSIONS");
    // Removing one the key lacks changes nothing; one the workspace lacks is a 404.
    await workspace.sdk.keys.removePermissions({ keyId, permissions: ["docs.list"] });
    await expect(
      workspace.sdk.keys.removePermissions({ keyId, permissions: ["never.created"] }),
    ).rejects.toBeInstanceOf(errors.NotFoundErrorResponse);
  });

  it("sets exactly the given direct permissions; an empty list clears them", async () => {
    const { key, keyId } = await newKey({ permissions: ["docs.list"] });
    const set = await workspace.sdk.keys.setPermissions({
      keyId,
      permissions: ["docs.archive", "docs.export"],
    });
    expect(slugs(set.data)).toEqual(["docs.archive", "docs.export"]);
    expect(await verify(key, "docs.archive AND docs.export")).toBe("VALID");
    expect(await verify(key, "docs.list")).toBe("INSUFFICIENT_PERMISSIONS");
    expect((await workspace.sdk.keys.setPermissions({ keyId, permissions: [] })).data).toEqual([]);
    expect(await verify(key, "docs.archive OR docs.export")).toBe("INSUFFICIENT_PERMISSIONS");
    expect((await workspace.sdk.keys.getKey({ keyId })).data.permissions).toEqual([]);
  });
});

describe("keys.addRoles / removeRoles / setRoles", () => {
  it("adds roles by name or id; a verify right after sees their permissions", async () => {
    const { key, keyId } = await newKey();
    expect(await verify(key, "docs.read")).toBe("INSUFFICIENT_PERMISSIONS");
    const writer = (await workspace.sdk.permissions.getRole({ role: "writer" })).data;
    const added = await workspace.sdk.keys.addRoles({ keyId, roles: ["reader", writer.id] });
    expect(added.data).toEqual([
      { id: expect.stringMatching(/^role_/), name: "reader" },
      { id: writer.id, name: "writer" },
    ]);
    expect(await verify(key, "docs.read AND docs.write")).toBe("VALID");
    const again = await workspace.sdk.keys.addRoles({ keyId, roles: ["reader"] });
    expect(names(again.data)).toEqual(["reader", "writer"]);
  });

  it("removes roles, and the permissions they granted go with them at once", async () => {
    const { key, keyId } = await newKey({
      roles: ["reader", "writer"],
      permissions: ["docs.read"],
    });
    const removed = await workspace.sdk.keys.removeRoles({ keyId, roles: ["reader", "writer"] });
    expect(removed.data).toEqual([]);
    expect(await verify(key, "docs.write")).toBe("INSUFFICIENT_PERMISSIONS");
    // The direct grant of the same permission stays.
    expect(await verify(key, "docs.read")).toBe("VALID");
  });

  it("sets exactly the given roles; an unknown role fails the whole call", async () => {
    const { key, keyId } = await newKey({ roles: ["reader"] });
    const set = await workspace.sdk.keys.setRoles({ keyId, roles: ["writer"] });
    expect(names(set.data)).toEqual(["writer"]);
    expect(await verify(key, "docs.write")).toBe("VALID");
    expect(await verify(key, "docs.read")).toBe("INSUFFICIENT_PERMISSIONS");
    await expect(
      workspace.sdk.keys.setRoles({ keyId, roles: ["reader", "ghost"] }),
    ).rejects.toBeInstanceOf(errors.NotFoundErrorResponse);
    await expect(workspace.sdk.keys.addRoles({ keyId, roles: ["ghost"] })).rejects.toBeInstanceOf(
      errors.NotFoundErrorResponse,
    );
    expect((await workspace.sdk.keys.getKey({ keyId })).data.roles).toEqual(["writer"]);
    expect((await workspace.sdk.keys.setRoles({ keyId, roles: [] })).data).toEqual([]);
    expect(await verify(key, "docs.write")).toBe("INSUFFICIENT_PERMISSIONS");
  });
});

describe("concurrent grants and deletes", () => {
  it("a grant racing a delete of its role or permission answers 200 or 404, never 500", async () => {
    const { keyId } = await newKey();
    const statuses = new Set<number>();
    for (let round = 0; round < 8; round++) {
      const role = `racing-${round}`;
      const slug = `racing.perm_${round}`;
      await workspace.sdk.permissions.createRole({ name: role, permissions: [slug] });
      const answers = await Promise.all([
        api.post("/v2/keys.addRoles", { keyId, roles: [role] }, workspace.rootKey),
        api.post("/v2/permissions.deleteRole", { role }, workspace.rootKey),
        api.post("/v2/keys.addPermissions", { keyId, permissions: [slug] }, workspace.rootKey),
        api.post("/v2/permissions.deletePermission", { permission: slug }, workspace.rootKey),
        api.post("/v2/keys.setRoles", { keyId, roles: [role] }, workspace.rootKey),
      ]);
      for (const answer of answers) statuses.add(answer.status);
    }
    expect([...statuses].filter((status) => status !== 200 && status !== 404)).toEqual([]);
    // Whatever won each race, the key holds no deleted role. (A permission deleted first is
    // created again by the grant that came after: addPermissions creates missing slugs.)
    const { data } = await workspace.sdk.keys.getKey({ keyId });
    expect(data.roles).toEqual([]);
    for (const slug of data.permissions ?? []) {
      const permission = await workspace.sdk.permissions.getPermission({ permission: slug });
      expect(permission.data.slug).toBe(slug);
    }
  });

  it("the same slug created by concurrent grants to different keys is one permission", async () => {
    const keys = await Promise.all([newKey(), newKey(), newKey(), newKey()]);
    const answers = await Promise.all(
      keys.map(({ keyId }) =>
        workspace.sdk.keys.addPermissions({ keyId, permissions: ["shared.brand_new"] }),
      ),
    );
    const ids = new Set(answers.map((answer) => answer.data[0]!.id));
    expect(ids.size).toBe(1);
    const listed = await workspace.sdk.permissions.listPermissions({ search: "shared.brand_new" });
    expect(listed.result.data.map((permission) => permission.id)).toEqual([...ids]);
  });
});

describe("key grant errors", () => {
  it("answers 400 for invalid bodies", async () => {
    const { keyId } = await newKey();
    const invalid: Array<[string, unknown]> = [
      ["keys.addPermissions", { keyId, permissions: ["has space"] }],
      ["keys.addPermissions", { keyId }],
      ["keys.setPermissions", { keyId, permissions: ["a&b"] }],
      ["keys.removePermissions", { keyId: "", permissions: [] }],
      ["keys.addRoles", { keyId, roles: [""] }],
      ["keys.setRoles", { keyId, roles: ["bad\u0000"] }],
      ["keys.removeRoles", { keyId, roles: "reader" }],
    ];
    for (const [operation, body] of invalid) {
      const response = await api.post(`/v2/${operation}`, body, workspace.rootKey);
      expect(response.status, `${operation} ${JSON.stringify(body)}`).toBe(400);
      expect((await response.json()).meta.requestId).toBeTruthy();
    }
  });

  it("answers 404 for a key that does not exist or is deleted", async () => {
    const { keyId } = await newKey();
    await workspace.sdk.keys.deleteKey({ keyId });
    for (const id of [keyId, "key_00000000000000000000000000"]) {
      await expect(
        workspace.sdk.keys.addPermissions({ keyId: id, permissions: ["docs.read"] }),
      ).rejects.toBeInstanceOf(errors.NotFoundErrorResponse);
      await expect(workspace.sdk.keys.setRoles({ keyId: id, roles: [] })).rejects.toBeInstanceOf(
        errors.NotFoundErrorResponse,
      );
    }
  });

  it("answers 401 without a root key", async () => {
    const response = await api.post("/v2/keys.addRoles", { keyId: "key_x", roles: [] });
    expect(response.status).toBe(401);
  });

  it("needs update_key on the key's API, and create_permission to create a permission", async () => {
    const { key, keyId } = await newKey();
    const otherApi = (await workspace.sdk.apis.createApi({ name: "other" })).data.apiId;
    const elsewhere = await rootKeyWith(api, workspace, [`api.${otherApi}.update_key`]);
    await expect(elsewhere.sdk.keys.addRoles({ keyId, roles: ["reader"] })).rejects.toBeInstanceOf(
      errors.ForbiddenErrorResponse,
    );
    const reader = await rootKeyWith(api, workspace, ["api.*.read_key"]);
    await expect(reader.sdk.keys.setPermissions({ keyId, permissions: [] })).rejects.toBeInstanceOf(
      errors.ForbiddenErrorResponse,
    );
    const updater = await rootKeyWith(api, workspace, [`api.${apiId}.update_key`]);
    await updater.sdk.keys.addRoles({ keyId, roles: ["reader"] });
    await updater.sdk.keys.addPermissions({ keyId, permissions: ["docs.read"] });
    await expect(
      updater.sdk.keys.addPermissions({ keyId, permissions: ["docs.brand_new"] }),
    ).rejects.toBeInstanceOf(errors.ForbiddenErrorResponse);
    await expect(
      updater.sdk.keys.setPermissions({ keyId, permissions: ["docs.brand_new"] }),
    ).rejects.toBeInstanceOf(errors.ForbiddenErrorResponse);
    await expect(
      workspace.sdk.permissions.getPermission({ permission: "docs.brand_new" }),
    ).rejects.toBeInstanceOf(errors.NotFoundErrorResponse);
    expect(await verify(key, "docs.read")).toBe("VALID");
    const creator = await rootKeyWith(api, workspace, [
      "api.*.update_key",
      "rbac.*.create_permission",
    ]);
    await creator.sdk.keys.addPermissions({ keyId, permissions: ["docs.brand_new"] });
    expect(await verify(key, "docs.brand_new")).toBe("VALID");
  });
});
