import { createHash, randomBytes } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { startTestApi, type TestApi, type TestWorkspace } from "../../harness/api.js";

// Writes of roles, permissions and their grants race deletes and each other; every answer is
// a 2xx or the documented 4xx, never a 500, and the database ends consistent.

let api: TestApi;
let workspace: TestWorkspace;
let apiId: string;

beforeAll(async () => {
  api = await startTestApi({ redis: true });
  workspace = await api.newWorkspace();
  apiId = (await workspace.sdk.apis.createApi({ name: "races" })).data.apiId;
});

const post = (operation: string, body: unknown) =>
  api.post(`/v2/${operation}`, body, workspace.rootKey);

/** A hash as another system would hand it over (its plaintext stays in the test). */
function foreignHash() {
  const key = `legacy_${randomBytes(24).toString("hex")}`;
  api.secrets.add(key);
  return createHash("sha256").update(key).digest("base64");
}

describe("key creation racing role deletion", () => {
  it("createKey and migrateKeys with a role being deleted answer 200 or 404, never 500", async () => {
    const statuses: number[] = [];
    const createdKeyIds: string[] = [];
    for (let round = 0; round < 10; round++) {
      const role = `doomed-${round}`;
      await workspace.sdk.permissions.createRole({ name: role, permissions: [`doomed.p${round}`] });
      const answers = await Promise.all([
        post("keys.createKey", { apiId, roles: [role], permissions: [`doomed.p${round}`] }),
        post("permissions.deleteRole", { role }),
        post("keys.migrateKeys", {
          migrationId: "race",
          apiId,
          keys: [{ hash: foreignHash(), roles: [role] }],
        }),
        post("keys.createKey", { apiId, roles: [role] }),
      ]);
      for (const answer of answers) {
        statuses.push(answer.status);
        const body = await answer.json();
        if (answer.status !== 200) {
          expect(body.meta.requestId).toBeTruthy();
          continue;
        }
        if (body.data?.key) api.secrets.add(body.data.key);
        if (body.data?.keyId) createdKeyIds.push(body.data.keyId);
        for (const migrated of body.data?.migrated ?? []) createdKeyIds.push(migrated.keyId);
      }
    }
    expect(statuses.filter((status) => status !== 200 && status !== 404)).toEqual([]);
    // Some rounds saw each outcome only by chance; what must hold is that no key kept a role
    // that no longer exists.
    for (const keyId of createdKeyIds) {
      const { data } = await workspace.sdk.keys.getKey({ keyId });
      expect(data.roles ?? []).toEqual([]);
    }
  });
});

describe("unique permission names", () => {
  it("of concurrent createPermission calls with the same name exactly one wins, the rest 409", async () => {
    for (let round = 0; round < 5; round++) {
      const name = `Shared name ${round}`;
      const answers = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          post("permissions.createPermission", { name, slug: `shared.n${round}_${i}` }),
        ),
      );
      const statuses = answers.map((answer) => answer.status).sort();
      expect(statuses).toEqual([200, 409, 409, 409, 409, 409]);
      const listed = await workspace.sdk.permissions.listPermissions({ search: name });
      expect(listed.result.data.filter((permission) => permission.name === name)).toHaveLength(1);
    }
  });

  it("a grant that would create a permission whose name is taken answers 409", async () => {
    await workspace.sdk.permissions.createPermission({ name: "taken.name", slug: "other.slug" });
    for (const [operation, body] of [
      ["keys.createKey", { apiId, permissions: ["taken.name"] }],
      ["permissions.createRole", { name: "taken-role", permissions: ["taken.name"] }],
    ] as const) {
      const answer = await post(operation, body);
      expect(answer.status, operation).toBe(409);
      const { error } = await answer.json();
      expect(error.detail).toContain("taken.name");
    }
  });
});
