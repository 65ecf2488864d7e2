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
  apiId = (await workspace.sdk.apis.createApi({ name: "rbac" })).data.apiId;
});

async function keyWith(body: { permissions?: string[]; roles?: string[] }) {
  const { data } = await workspace.sdk.keys.createKey({ apiId, ...body });
  api.secrets.add(data.key);
  return data;
}

const verify = async (key: string, permissions: string) =>
  (await workspace.sdk.keys.verifyKey({ key, permissions })).data.code;

describe("permissions.*: permissions", () => {
  it("creates, reads by id and slug, lists and deletes a permission", async () => {
    const created = await workspace.sdk.permissions.createPermission({
      name: "documents.read",
      slug: "documents.read",
      description: "Read documents",
    });
    const permissionId = created.data.permissionId;
    expect(permissionId).toMatch(/^perm_[0-9a-z]{26}$/);
    const expected = {
      id: permissionId,
      name: "documents.read",
      slug: "documents.read",
      description: "Read documents",
    };
    expect(
      (await workspace.sdk.permissions.getPermission({ permission: permissionId })).data,
    ).toEqual(expected);
    expect(
      (await workspace.sdk.permissions.getPermission({ permission: "documents.read" })).data,
    ).toEqual(expected);
    const listed = await workspace.sdk.permissions.listPermissions({ search: "DOCUMENTS" });
    expect(listed.result.data).toEqual([expected]);
    await workspace.sdk.permissions.deletePermission({ permission: "documents.read" });
    await expect(
      workspace.sdk.permissions.getPermission({ permission: permissionId }),
    ).rejects.toBeInstanceOf(errors.NotFoundErrorResponse);
    expect(await auditActions(api, permissionId)).toEqual([
      "permission.create",
      "permission.delete",
    ]);
  });

  it("answers 409 for a slug or name already taken", async () => {
    await workspace.sdk.permissions.createPermission({
      name: "billing.write",
      slug: "billing.write",
    });
    await expect(
      workspace.sdk.permissions.createPermission({ name: "other", slug: "billing.write" }),
    ).rejects.toBeInstanceOf(errors.ConflictErrorResponse);
    await expect(
      workspace.sdk.permissions.createPermission({ name: "billing.write", slug: "billing.other" }),
    ).rejects.toBeInstanceOf(errors.ConflictErrorResponse);
  });

  it("lists in pages by id with a cursor", async () => {
    const fresh = await api.newWorkspace("perm-lister");
    const ids: string[] = [];
    for (const slug of ["a.one", "a.two", "a.three"]) {
      ids.push(
        (await fresh.sdk.permissions.createPermission({ name: slug, slug })).data.permissionId,
      );
    }
    const first = await fresh.sdk.permissions.listPermissions({ limit: 2 });
    expect(first.result.data.map((permission) => permission.id)).toEqual(ids.slice(0, 2));
    expect(first.result.pagination).toEqual({ hasMore: true, cursor: ids[1] });
    const rest = await fresh.sdk.permissions.listPermissions({
      limit: 2,
      cursor: first.result.pagination!.cursor!,
    });
    expect(rest.result.data.map((permission) => permission.slug)).toEqual(["a.three"]);
    expect(rest.result.pagination).toEqual({ hasMore: false });
  });

  it("deleting a permission takes it from keys and roles, and verify sees that at once", async () => {
    await workspace.sdk.permissions.createRole({ name: "reader", permissions: ["files.read"] });
    const direct = await keyWith({ permissions: ["files.read"] });
    const byRole = await keyWith({ roles: ["reader"] });
    expect(await verify(direct.key, "files.read")).toBe("VALID");
    expect(await verify(byRole.key, "files.read")).toBe("VALID");
    await workspace.sdk.permissions.deletePermission({ permission: "files.read" });
    expect(await verify(direct.key, "files.read")).toBe("INSUFFICIENT_PERMISSIONS");
    expect(await verify(byRole.key, "files.read")).toBe("INSUFFICIENT_PERMISSIONS");
    const role = await workspace.sdk.permissions.getRole({ role: "reader" });
    expect(role.data.permissions).toEqual([]);
    expect((await workspace.sdk.keys.getKey({ keyId: direct.keyId })).data.permissions).toEqual([]);
  });
});

describe("permissions.*: roles", () => {
  it("creates a role with permissions (missing ones created), reads it by id and name", async () => {
    await workspace.sdk.permissions.createPermission({ name: "Existing", slug: "reports.read" });
    const created = await workspace.sdk.permissions.createRole({
      name: "analyst",
      description: "Reads reports",
      permissions: ["reports.read", "reports.export"],
    });
    const roleId = created.data.roleId;
    expect(roleId).toMatch(/^role_[0-9a-z]{26}$/);
    const role = (await workspace.sdk.permissions.getRole({ role: roleId })).data;
    expect(role).toMatchObject({ id: roleId, name: "analyst", description: "Reads reports" });
    expect(role.permissions?.map((permission) => [permission.slug, permission.name])).toEqual([
      ["reports.export", "reports.export"],
      ["reports.read", "Existing"],
    ]);
    expect((await workspace.sdk.permissions.getRole({ role: "analyst" })).data).toEqual(role);
    const listed = await workspace.sdk.permissions.listRoles({ search: "analyst" });
    expect(listed.result.data).toEqual([role]);
    expect(await auditActions(api, roleId)).toEqual(["role.create"]);
  });

  it("answers 409 for a role name already taken", async () => {
    await workspace.sdk.permissions.createRole({ name: "twice" });
    await expect(workspace.sdk.permissions.createRole({ name: "twice" })).rejects.toBeInstanceOf(
      errors.ConflictErrorResponse,
    );
  });

  it("setRolePermissions replaces a role's permissions, and keys holding it follow at once", async () => {
    const { roleId } = (
      await workspace.sdk.permissions.createRole({ name: "editor", permissions: ["posts.read"] })
    ).data;
    const { key } = await keyWith({ roles: ["editor"] });
    expect(await verify(key, "posts.read")).toBe("VALID");
    expect(await verify(key, "posts.write")).toBe("INSUFFICIENT_PERMISSIONS");
    const set = await workspace.sdk.permissions.setRolePermissions({
      roleId,
      permissions: ["posts.write", "posts.publish"],
    });
    expect(set.data.map((permission) => permission.slug)).toEqual(["posts.publish", "posts.write"]);
    expect(await verify(key, "posts.write AND posts.publish")).toBe("VALID");
    expect(await verify(key, "posts.read")).toBe("INSUFFICIENT_PERMISSIONS");
    const cleared = await workspace.sdk.permissions.setRolePermissions({
      roleId: "editor",
      permissions: [],
    });
    expect(cleared.data).toEqual([]);
    expect(await verify(key, "posts.write")).toBe("INSUFFICIENT_PERMISSIONS");
    expect(await auditActions(api, roleId)).toEqual([
      "role.create",
      "role.set_permissions",
      "role.set_permissions",
    ]);
  });

  it("deleting a role takes it from keys, and verify sees that at once", async () => {
    await workspace.sdk.permissions.createRole({ name: "temp", permissions: ["temp.use"] });
    const { key, keyId } = await keyWith({ roles: ["temp"] });
    expect(await verify(key, "temp.use")).toBe("VALID");
    await workspace.sdk.permissions.deleteRole({ role: "temp" });
    expect(await verify(key, "temp.use")).toBe("INSUFFICIENT_PERMISSIONS");
    expect((await workspace.sdk.keys.getKey({ keyId })).data.roles).toEqual([]);
    // The permission itself stays: only the role went.
    expect(
      (await workspace.sdk.permissions.getPermission({ permission: "temp.use" })).data.slug,
    ).toBe("temp.use");
  });
});

describe("permissions.* errors", () => {
  it("answers 400 for invalid names and bodies", async () => {
    const invalid: Array<[string, unknown]> = [
      ["permissions.createPermission", { name: "ok", slug: "has space" }],
      ["permissions.createPermission", { name: "ok", slug: "semi;colon" }],
      ["permissions.createPermission", { name: "", slug: "ok" }],
      ["permissions.createPermission", { name: "ok", slug: "x".repeat(513) }],
      ["permissions.createRole", { name: "r", permissions: ["bad name"] }],
      ["permissions.createRole", { name: "bad\u0000role" }],
      ["permissions.setRolePermissions", { roleId: "r", permissions: ["a|b"] }],
      ["permissions.getPermission", {}],
      ["permissions.listRoles", { limit: 101 }],
      ["permissions.deleteRole", { role: "" }],
    ];
    for (const [operation, body] of invalid) {
      const response = await api.post(`/v2/${operation}`, body, workspace.rootKey);
      const answer = await response.json();
      expect(response.status, `${operation} ${JSON.stringify(body)}`).toBe(400);
      expect(answer.error.status).toBe(400);
      expect(answer.meta.requestId).toBeTruthy();
    }
  });

  it("answers 404 for permissions and roles that do not exist", async () => {
    await expect(
      workspace.sdk.permissions.getPermission({ permission: "nope.nope" }),
    ).rejects.toBeInstanceOf(errors.NotFoundErrorResponse);
    await expect(
      workspace.sdk.permissions.deletePermission({ permission: "nope.nope" }),
    ).rejects.toBeInstanceOf(errors.NotFoundErrorResponse);
    await expect(workspace.sdk.permissions.getRole({ role: "nope" })).rejects.toBeInstanceOf(
      errors.NotFoundErrorResponse,
    );
    await expect(
      workspace.sdk.permissions.setRolePermissions({ roleId: "nope", permissions: [] }),
    ).rejects.toBeInstanceOf(errors.NotFoundErrorResponse);
    // The SDK documents no 404 for deleteRole; the answer is one all the same.
    const deleted = await api.post(
      "/v2/permissions.deleteRole",
      { role: "nope" },
      workspace.rootKey,
    );
    expect(deleted.status).toBe(404);
  });

  it("answers 401 without a root key", async () => {
    expect((await api.post("/v2/permissions.listPermissions", {})).status).toBe(401);
    expect((await api.post("/v2/permissions.createRole", { name: "x" })).status).toBe(401);
  });

  it("answers 403 without the rbac permission each call needs", async () => {
    const reader = await rootKeyWith(api, workspace, [
      "rbac.*.read_permission",
      "rbac.*.read_role",
    ]);
    await reader.sdk.permissions.listPermissions({});
    await reader.sdk.permissions.listRoles({});
    const refused: Array<() => Promise<unknown>> = [
      () => reader.sdk.permissions.createPermission({ name: "p.x", slug: "p.x" }),
      () => reader.sdk.permissions.deletePermission({ permission: "billing.write" }),
      () => reader.sdk.permissions.createRole({ name: "x" }),
      () => reader.sdk.permissions.deleteRole({ role: "twice" }),
      () => reader.sdk.permissions.setRolePermissions({ roleId: "twice", permissions: [] }),
    ];
    for (const call of refused)
      await expect(call()).rejects.toBeInstanceOf(errors.ForbiddenErrorResponse);
    const writer = await rootKeyWith(api, workspace, ["rbac.*.create_permission"]);
    await expect(writer.sdk.permissions.listPermissions({})).rejects.toBeInstanceOf(
      errors.ForbiddenErrorResponse,
    );
    await expect(writer.sdk.permissions.getRole({ role: "twice" })).rejects.toBeInstanceOf(
      errors.ForbiddenErrorResponse,
    );
  });

  it("createRole and setRolePermissions need the grants the SDK names for permissions", async () => {
    const creator = await rootKeyWith(api, workspace, ["rbac.*.create_role"]);
    await creator.sdk.permissions.createRole({ name: "bare" });
    await expect(
      creator.sdk.permissions.createRole({ name: "with", permissions: ["billing.write"] }),
    ).rejects.toBeInstanceOf(errors.ForbiddenErrorResponse);
    const adder = await rootKeyWith(api, workspace, [
      "rbac.*.create_role",
      "rbac.*.add_permission_to_role",
    ]);
    await adder.sdk.permissions.createRole({ name: "with", permissions: ["billing.write"] });
    // Creating a permission that does not exist needs `create_permission`: nothing is written.
    await expect(
      adder.sdk.permissions.createRole({ name: "new-perm", permissions: ["brand.new"] }),
    ).rejects.toBeInstanceOf(errors.ForbiddenErrorResponse);
    await expect(workspace.sdk.permissions.getRole({ role: "new-perm" })).rejects.toBeInstanceOf(
      errors.NotFoundErrorResponse,
    );
    await expect(
      adder.sdk.permissions.setRolePermissions({ roleId: "with", permissions: [] }),
    ).rejects.toBeInstanceOf(errors.ForbiddenErrorResponse);
    const setter = await rootKeyWith(api, workspace, [
      "rbac.*.add_permission_to_role",
      "rbac.*.remove_permission_from_role",
    ]);
    await setter.sdk.permissions.setRolePermissions({ roleId: "with", permissions: [] });
    await expect(
      setter.sdk.permissions.setRolePermissions({ roleId: "with", permissions: ["brand.new"] }),
    ).rejects.toBeInstanceOf(errors.ForbiddenErrorResponse);
  });
});
