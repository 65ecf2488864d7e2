import * as errors from "@unkey/api/models/errors";
import { beforeAll, describe, expect, it } from "vitest";
import { startTestApi, type TestApi, type TestWorkspace } from "../../harness/api.js";
import { auditActions, rootKeyWith } from "../keys/key-harness.js";

let api: TestApi;
let workspace: TestWorkspace;

beforeAll(async () => {
  api = await startTestApi({ redis: true });
  workspace = await api.newWorkspace();
});

const check = (namespace: string, identifier: string, limit: number, cost?: number) => ({
  namespace,
  identifier,
  limit,
  duration: 60_000,
  ...(cost !== undefined && { cost }),
});

describe("ratelimit.limit through the official SDK", () => {
  it("counts requests in a namespace created on first use, always answering 200", async () => {
    const before = Date.now();
    const first = await workspace.sdk.ratelimit.limit(check("sms.sign_up", "user_1", 2));
    expect(first.data).toEqual({
      limit: 2,
      remaining: 1,
      reset: expect.any(Number),
      success: true,
    });
    expect(first.data.reset).toBeGreaterThanOrEqual(before + 60_000 - 1000);
    expect((await workspace.sdk.ratelimit.limit(check("sms.sign_up", "user_1", 2))).data).toEqual(
      expect.objectContaining({ remaining: 0, success: true }),
    );
    const third = await workspace.sdk.ratelimit.limit(check("sms.sign_up", "user_1", 2));
    expect(third.data).toEqual(expect.objectContaining({ remaining: 0, success: false }));
    // Another identifier has a window of its own.
    const other = await workspace.sdk.ratelimit.limit(check("sms.sign_up", "user_2", 2));
    expect(other.data.success).toBe(true);

    const [namespace] = await api.database.db.query.ratelimitNamespaces.findMany({
      where: (row, { eq }) => eq(row.workspaceId, workspace.workspaceId),
    });
    expect(namespace?.name).toBe("sms.sign_up");
    expect(await auditActions(api, namespace!.id)).toEqual(["ratelimit_namespace.create"]);
  });

  it("addresses a namespace by id or by name: one counter", async () => {
    await workspace.sdk.ratelimit.limit(check("by.either", "user_1", 3));
    const [namespace] = await api.database.db.query.ratelimitNamespaces.findMany({
      where: (row, { eq, and }) =>
        and(eq(row.workspaceId, workspace.workspaceId), eq(row.name, "by.either")),
    });
    const byId = await workspace.sdk.ratelimit.limit(check(namespace!.id, "user_1", 3));
    expect(byId.data.remaining).toBe(1);
  });

  it("weighs requests by cost; cost 0 consumes nothing but still fails when exhausted", async () => {
    expect((await workspace.sdk.ratelimit.limit(check("costs", "u", 5, 3))).data.remaining).toBe(2);
    expect((await workspace.sdk.ratelimit.limit(check("costs", "u", 5, 0))).data).toEqual(
      expect.objectContaining({ remaining: 2, success: true }),
    );
    expect((await workspace.sdk.ratelimit.limit(check("costs", "u", 5, 3))).data).toEqual(
      expect.objectContaining({ remaining: 2, success: false }),
    );
    expect((await workspace.sdk.ratelimit.limit(check("costs", "u", 5, 2))).data).toEqual(
      expect.objectContaining({ remaining: 0, success: true }),
    );
    expect((await workspace.sdk.ratelimit.limit(check("costs", "u", 5, 0))).data.success).toBe(
      false,
    );
  });

  it("a limit of 0 blocks every request", async () => {
    const blocked = await workspace.sdk.ratelimit.limit(check("banned", "u", 0));
    expect(blocked.data).toEqual(expect.objectContaining({ limit: 0, success: false }));
  });

  it("admits exactly L of 10×L concurrent requests", async () => {
    const limit = 7;
    const answers = await Promise.all(
      Array.from({ length: 10 * limit }, () =>
        workspace.sdk.ratelimit.limit(check("concurrent", "hot", limit)),
      ),
    );
    expect(answers.filter((answer) => answer.data.success)).toHaveLength(limit);
  });

  it("answers 400 for a duration, cost, identifier or namespace out of bounds", async () => {
    const bad = [
      { ...check("bounds", "u", 1), duration: 999 },
      { ...check("bounds", "u", 1), duration: 2_592_000_001 },
      { ...check("bounds", "u", 1), cost: -1 },
      { ...check("bounds", "u", 1), cost: 1001 },
      check("bounds", "has space", 1),
      check("bounds", "x".repeat(256), 1),
      check("1starts-with-digit", "u", 1),
      { ...check("bounds", "u", 1), limit: -1 },
    ];
    for (const body of bad) {
      const response = await api.post("/v2/ratelimit.limit", body, workspace.rootKey);
      expect(response.status, JSON.stringify(body)).toBe(400);
      const envelope = await response.json();
      expect(envelope.meta.requestId).toMatch(/^req_/);
    }
  });

  it("answers 401 without a root key", async () => {
    const response = await api.post("/v2/ratelimit.limit", check("nobody", "u", 1));
    expect(response.status).toBe(401);
  });

  it("checks Unkey's permissions: ratelimit.*.limit or ratelimit.<namespace_id>.limit", async () => {
    await workspace.sdk.ratelimit.limit(check("granted.one", "u", 10));
    await workspace.sdk.ratelimit.limit(check("granted.two", "u", 10));
    const rows = await api.database.db.query.ratelimitNamespaces.findMany({
      where: (row, { eq }) => eq(row.workspaceId, workspace.workspaceId),
    });
    const one = rows.find((row) => row.name === "granted.one")!.id;
    const scoped = await rootKeyWith(api, workspace, [`ratelimit.${one}.limit`]);
    expect((await scoped.sdk.ratelimit.limit(check("granted.one", "u", 10))).data.success).toBe(
      true,
    );
    await expect(scoped.sdk.ratelimit.limit(check("granted.two", "u", 10))).rejects.toBeInstanceOf(
      errors.ForbiddenErrorResponse,
    );
    // Without `ratelimit.*.create_namespace` an unknown namespace is not created.
    await expect(
      scoped.sdk.ratelimit.limit(check("never.created", "u", 10)),
    ).rejects.toBeInstanceOf(errors.NotFoundErrorResponse);
    const none = await rootKeyWith(api, workspace, ["api.*.verify_key"]);
    await expect(none.sdk.ratelimit.limit(check("granted.one", "u", 10))).rejects.toBeInstanceOf(
      errors.ForbiddenErrorResponse,
    );
    const anyNamespace = await rootKeyWith(api, workspace, [
      "ratelimit.*.limit",
      "ratelimit.*.create_namespace",
    ]);
    const created = await anyNamespace.sdk.ratelimit.limit(check("made.by.scoped", "u", 10));
    expect(created.data.success).toBe(true);
  });
});

describe("ratelimit.multiLimit through the official SDK", () => {
  it("answers every check and passes only when all pass", async () => {
    const answer = await workspace.sdk.ratelimit.multiLimit([
      check("multi.a", "u", 5),
      check("multi.b", "u", 2, 2),
    ]);
    expect(answer.data).toEqual({
      passed: true,
      limits: [
        {
          namespace: "multi.a",
          identifier: "u",
          limit: 5,
          remaining: 4,
          reset: expect.any(Number),
          passed: true,
        },
        {
          namespace: "multi.b",
          identifier: "u",
          limit: 2,
          remaining: 0,
          reset: expect.any(Number),
          passed: true,
        },
      ],
    });
  });

  it("is all or nothing: a failing check leaves the others unconsumed", async () => {
    await workspace.sdk.ratelimit.limit(check("aon.b", "u", 1));
    const failed = await workspace.sdk.ratelimit.multiLimit([
      check("aon.a", "u", 5),
      check("aon.b", "u", 1),
    ]);
    expect(failed.data.passed).toBe(false);
    expect(failed.data.limits.map((limit) => [limit.passed, limit.remaining])).toEqual([
      [true, 5],
      [false, 0],
    ]);
    const after = await workspace.sdk.ratelimit.limit(check("aon.a", "u", 5, 0));
    expect(after.data.remaining).toBe(5);
  });

  it("under concurrency admits exactly as many as the tighter limit, and spends only those", async () => {
    const answers = await Promise.all(
      Array.from({ length: 30 }, () =>
        workspace.sdk.ratelimit.multiLimit([check("race.a", "u", 10), check("race.b", "u", 3)]),
      ),
    );
    expect(answers.filter((answer) => answer.data.passed)).toHaveLength(3);
    const a = await workspace.sdk.ratelimit.limit(check("race.a", "u", 10, 0));
    expect(a.data.remaining).toBe(7);
  });

  it("answers 400 for an empty list or more than 100 checks", async () => {
    for (const body of [[], Array.from({ length: 101 }, () => check("many", "u", 1))]) {
      const response = await api.post("/v2/ratelimit.multiLimit", body, workspace.rootKey);
      expect(response.status).toBe(400);
    }
  });

  it("needs limit on every namespace it checks", async () => {
    await workspace.sdk.ratelimit.limit(check("multi.granted", "u", 10));
    await workspace.sdk.ratelimit.limit(check("multi.other", "u", 10));
    const rows = await api.database.db.query.ratelimitNamespaces.findMany({
      where: (row, { eq }) => eq(row.workspaceId, workspace.workspaceId),
    });
    const granted = rows.find((row) => row.name === "multi.granted")!.id;
    const scoped = await rootKeyWith(api, workspace, [`ratelimit.${granted}.limit`]);
    await expect(
      scoped.sdk.ratelimit.multiLimit([
        check("multi.granted", "u", 10),
        check("multi.other", "u", 10),
      ]),
    ).rejects.toBeInstanceOf(errors.ForbiddenErrorResponse);
    // Nothing was counted in the namespace it could check.
    const after = await workspace.sdk.ratelimit.limit(check("multi.granted", "u", 10, 0));
    expect(after.data.remaining).toBe(9);
  });
});
