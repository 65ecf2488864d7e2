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

/** Creates the namespace (on first use) and answers its id. */
async function namespaceNamed(name: string): Promise<string> {
  await workspace.sdk.ratelimit.limit({
    namespace: name,
    identifier: "seed",
    limit: 1,
    duration: 1000,
  });
  const row = await api.database.db.query.ratelimitNamespaces.findFirst({
    where: (namespace, { and, eq }) =>
      and(eq(namespace.workspaceId, workspace.workspaceId), eq(namespace.name, name)),
  });
  return row!.id;
}

const limitIn = (namespace: string, identifier: string) =>
  workspace.sdk.ratelimit.limit({ namespace, identifier, limit: 100, duration: 60_000 });

describe("ratelimit overrides through the official SDK", () => {
  it("sets, reads, replaces, lists and deletes an override, each change audited", async () => {
    const namespaceId = await namespaceNamed("crud");
    const set = await workspace.sdk.ratelimit.setOverride({
      namespace: "crud",
      identifier: "premium_*",
      limit: 1000,
      duration: 60_000,
    });
    const overrideId = set.data.overrideId;
    expect(overrideId).toMatch(/^rlor_/);
    const read = await workspace.sdk.ratelimit.getOverride({
      namespace: namespaceId,
      identifier: "premium_*",
    });
    expect(read.data).toEqual({
      overrideId,
      identifier: "premium_*",
      limit: 1000,
      duration: 60_000,
    });
    // Setting the same identifier again replaces it in place.
    const again = await workspace.sdk.ratelimit.setOverride({
      namespace: "crud",
      identifier: "premium_*",
      limit: 5,
      duration: 2000,
    });
    expect(again.data.overrideId).toBe(overrideId);
    const listed = await workspace.sdk.ratelimit.listOverrides({ namespace: "crud" });
    expect(listed.result.data).toEqual([
      { overrideId, identifier: "premium_*", limit: 5, duration: 2000 },
    ]);
    expect(
      (await workspace.sdk.ratelimit.deleteOverride({ namespace: "crud", identifier: "premium_*" }))
        .data,
    ).toEqual({});
    await expect(
      workspace.sdk.ratelimit.getOverride({ namespace: "crud", identifier: "premium_*" }),
    ).rejects.toBeInstanceOf(errors.NotFoundErrorResponse);
    expect(await auditActions(api, overrideId)).toEqual([
      "ratelimit_override.set",
      "ratelimit_override.set",
      "ratelimit_override.delete",
    ]);
  });

  it("pages through overrides with a cursor", async () => {
    await namespaceNamed("paged");
    for (const identifier of ["a", "b", "c"]) {
      await workspace.sdk.ratelimit.setOverride({
        namespace: "paged",
        identifier,
        limit: 1,
        duration: 1000,
      });
    }
    const first = await workspace.sdk.ratelimit.listOverrides({ namespace: "paged", limit: 2 });
    expect(first.result.data).toHaveLength(2);
    expect(first.result.pagination?.hasMore).toBe(true);
    const second = await workspace.sdk.ratelimit.listOverrides({
      namespace: "paged",
      limit: 2,
      cursor: first.result.pagination!.cursor!,
    });
    expect(second.result.data).toHaveLength(1);
    expect(second.result.pagination?.hasMore).toBe(false);
    const seen = [...first.result.data, ...second.result.data].map((o) => o.identifier).sort();
    expect(seen).toEqual(["a", "b", "c"]);
  });

  it("takes effect at once: a new override applies to the next request, a deleted one stops", async () => {
    await namespaceNamed("live");
    expect((await limitIn("live", "user_1")).data).toEqual(
      expect.objectContaining({ limit: 100, success: true }),
    );
    const { overrideId } = (
      await workspace.sdk.ratelimit.setOverride({
        namespace: "live",
        identifier: "user_1",
        limit: 0,
        duration: 60_000,
      })
    ).data;
    expect((await limitIn("live", "user_1")).data).toEqual(
      expect.objectContaining({ limit: 0, success: false, overrideId }),
    );
    await workspace.sdk.ratelimit.deleteOverride({ namespace: "live", identifier: "user_1" });
    const after = (await limitIn("live", "user_1")).data;
    expect(after).toEqual(expect.objectContaining({ limit: 100, success: true }));
    expect(after.overrideId).toBeUndefined();
  });

  it("picks the override by precedence: exact, then the most specific pattern, deterministically", async () => {
    await namespaceNamed("precedence");
    const ids: Record<string, string> = {};
    // Stored in an order that would mislead a "first stored wins" rule.
    for (const [identifier, limit] of [
      ["*", 1],
      ["*_1", 2],
      ["user_*", 3],
      ["user_1*", 4],
      ["user_1", 5],
      ["ab*", 6],
      ["a*b", 7],
    ] as const) {
      ids[identifier] = (
        await workspace.sdk.ratelimit.setOverride({
          namespace: "precedence",
          identifier,
          limit,
          duration: 60_000,
        })
      ).data.overrideId;
    }
    const table: Array<[identifier: string, expected: string]> = [
      ["user_1", "user_1"], // exact beats every pattern
      ["user_12", "user_1*"], // 6 literal characters beat user_* (5) and *_1 (2)
      ["user_2", "user_*"],
      ["team_1", "*_1"],
      ["admin", "*"],
      ["abb", "a*b"], // a tie in literals and stars: code-point order of the patterns
      ["abc", "ab*"],
    ];
    for (const [identifier, expected] of table) {
      const answer = await limitIn("precedence", identifier);
      expect(answer.data.overrideId, identifier).toBe(ids[expected]);
    }
  });

  it("answers 404 for an unknown namespace or identifier, 400 for a bad pattern", async () => {
    await namespaceNamed("known");
    await expect(
      workspace.sdk.ratelimit.setOverride({
        namespace: "unknown.ns",
        identifier: "x",
        limit: 1,
        duration: 1000,
      }),
    ).rejects.toBeInstanceOf(errors.NotFoundErrorResponse);
    await expect(
      workspace.sdk.ratelimit.listOverrides({ namespace: "unknown.ns" }),
    ).rejects.toBeInstanceOf(errors.NotFoundErrorResponse);
    await expect(
      workspace.sdk.ratelimit.deleteOverride({ namespace: "known", identifier: "nobody" }),
    ).rejects.toBeInstanceOf(errors.NotFoundErrorResponse);
    for (const body of [
      { namespace: "known", identifier: "has space", limit: 1, duration: 1000 },
      { namespace: "known", identifier: "x".repeat(256), limit: 1, duration: 1000 },
      { namespace: "known", identifier: "x", limit: -1, duration: 1000 },
      { namespace: "known", identifier: "x", limit: 1, duration: 999 },
    ]) {
      const response = await api.post("/v2/ratelimit.setOverride", body, workspace.rootKey);
      expect(response.status, JSON.stringify(body)).toBe(400);
    }
  });

  it("checks set_override, read_override and delete_override on the namespace", async () => {
    const one = await namespaceNamed("perm.one");
    await namespaceNamed("perm.two");
    const writer = await rootKeyWith(api, workspace, [`ratelimit.${one}.set_override`]);
    await writer.sdk.ratelimit.setOverride({
      namespace: "perm.one",
      identifier: "u",
      limit: 1,
      duration: 1000,
    });
    await expect(
      writer.sdk.ratelimit.setOverride({
        namespace: "perm.two",
        identifier: "u",
        limit: 1,
        duration: 1000,
      }),
    ).rejects.toBeInstanceOf(errors.ForbiddenErrorResponse);
    await expect(
      writer.sdk.ratelimit.getOverride({ namespace: "perm.one", identifier: "u" }),
    ).rejects.toBeInstanceOf(errors.ForbiddenErrorResponse);
    await expect(
      writer.sdk.ratelimit.deleteOverride({ namespace: "perm.one", identifier: "u" }),
    ).rejects.toBeInstanceOf(errors.ForbiddenErrorResponse);
    const reader = await rootKeyWith(api, workspace, ["ratelimit.*.read_override"]);
    expect(
      (await reader.sdk.ratelimit.getOverride({ namespace: "perm.one", identifier: "u" })).data
        .limit,
    ).toBe(1);
    expect(
      (await reader.sdk.ratelimit.listOverrides({ namespace: "perm.one" })).result.data,
    ).toHaveLength(1);
    const deleter = await rootKeyWith(api, workspace, [`ratelimit.${one}.delete_override`]);
    await deleter.sdk.ratelimit.deleteOverride({ namespace: "perm.one", identifier: "u" });
    const response = await api.post("/v2/ratelimit.getOverride", {
      namespace: "perm.one",
      identifier: "u",
    });
    expect(response.status).toBe(401);
  });
});
