import { beforeAll, describe, expect, it } from "vitest";
import { startTestApi, type TestApi, type TestWorkspace } from "../../harness/api.js";
import { rootKeyWith } from "./key-harness.js";

let api: TestApi;
let owner: TestWorkspace;
let other: TestWorkspace;

beforeAll(async () => {
  api = await startTestApi({ redis: true });
  [owner, other] = await Promise.all([api.newWorkspace("owner"), api.newWorkspace("other")]);
});

interface ListApisPage {
  meta: { requestId: string };
  data: Array<{ id: string; name: string }>;
  pagination: { cursor?: string; hasMore: boolean };
}

async function listApis(rootKey: string, body: object) {
  const response = await api.post("/v2/apis.listApis", body, rootKey);
  return { status: response.status, body: (await response.json()) as ListApisPage };
}

/** Every page, following the cursor as a client would. */
async function listAll(rootKey: string, limit: number) {
  const seen: string[] = [];
  let cursor: string | undefined;
  for (let pages = 0; pages < 50; pages++) {
    const { status, body } = await listApis(rootKey, { limit, ...(cursor ? { cursor } : {}) });
    expect(status).toBe(200);
    seen.push(...body.data.map((item) => item.name));
    if (!body.pagination.hasMore) return seen;
    cursor = body.pagination.cursor;
  }
  throw new Error("pagination never ended");
}

describe("apis.listApis (a Slipway extension)", () => {
  it("pages through the workspace's keyspaces in creation order, never another workspace's", async () => {
    const names = ["alpha-keys", "beta-keys", "gamma-keys", "delta-keys", "epsilon-keys"];
    for (const name of names) await owner.sdk.apis.createApi({ name });
    await other.sdk.apis.createApi({ name: "other-workspace-keys" });

    expect(await listAll(owner.rootKey, 2)).toEqual(names);
    expect(await listAll(other.rootKey, 100)).toEqual(["other-workspace-keys"]);

    const first = await listApis(owner.rootKey, { limit: 2 });
    expect(first.body.data).toHaveLength(2);
    expect(first.body.data[0]).toEqual({ id: expect.stringMatching(/^api_/), name: "alpha-keys" });
    expect(first.body.pagination).toEqual({ hasMore: true, cursor: first.body.data[1]!.id });
    expect(first.body.meta.requestId).toEqual(expect.any(String));
  });

  it("another workspace's cursor reveals nothing of it", async () => {
    const otherPage = await listApis(other.rootKey, { limit: 1 });
    const fromOther = await listApis(owner.rootKey, { cursor: otherPage.body.data[0]!.id });
    expect(fromOther.status).toBe(200);
    expect(fromOther.body.data.map((item) => item.name)).not.toContain("other-workspace-keys");
  });

  it("answers 400 with the field for a cursor it never returned, a bad limit or unknown fields", async () => {
    for (const body of [
      { cursor: "not-a-cursor" },
      { cursor: "prj_00000000000000000000000000" },
      { cursor: "api_' OR 1=1 --" },
      { cursor: "" },
      { cursor: "x".repeat(10_000) },
      { limit: 0 },
      { limit: 101 },
      { limit: "ten" },
      { apiId: "api_00000000000000000000000000" },
    ]) {
      const response = await listApis(owner.rootKey, body);
      expect(response.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(response.body.meta.requestId).toEqual(expect.any(String));
    }
    const cursorError = await api.post("/v2/apis.listApis", { cursor: "nope" }, owner.rootKey);
    const envelope = (await cursorError.json()) as {
      error: { errors?: Array<{ location: string }> };
    };
    expect(envelope.error.errors?.[0]?.location).toBe("body.cursor");
  });

  it("lists only the keyspaces a scoped root key may read; 403 without read_api; 401 without a key", async () => {
    const beta = (await listApis(owner.rootKey, {})).body.data.find(
      (item) => item.name === "beta-keys",
    )!;
    const scoped = await rootKeyWith(api, owner, [`api.${beta.id}.read_api`]);
    expect(await listAll(scoped.rootKey, 100)).toEqual(["beta-keys"]);

    const unrelated = await rootKeyWith(api, owner, ["project.*.read_project"]);
    expect((await listApis(unrelated.rootKey, {})).status).toBe(403);
    expect((await api.post("/v2/apis.listApis", {})).status).toBe(401);
  });
});
