import type { Policy } from "@unkey/api/models/components";
import * as errors from "@unkey/api/models/errors";
import { beforeAll, describe, expect, it } from "vitest";
import { startTestApi, type TestApi, type TestWorkspace } from "../../harness/api.js";
import { auditActions, rootKeyWith } from "../keys/key-harness.js";

let api: TestApi;
let workspace: TestWorkspace;
let keyspaceId: string;
let environmentId: string;
let stagingId: string;
const production = { project: "shop", app: "web", environment: "production" };

const deny = (name: string, prefix: string): Policy => ({
  name,
  enabled: true,
  match: [{ path: { path: { prefix } } }],
  firewall: { action: "ACTION_DENY" },
});

beforeAll(async () => {
  api = await startTestApi({ redis: true });
  workspace = await api.newWorkspace();
  await workspace.sdk.projects.createProject({ name: "Shop", slug: "shop" });
  await workspace.sdk.apps.createApp({ project: "shop", name: "Web", slug: "web" });
  const environments = await workspace.sdk.environments.listEnvironments({
    project: "shop",
    app: "web",
  });
  environmentId = environments.data.find((e) => e.slug === "production")!.id;
  stagingId = environments.data.find((e) => e.slug !== "production")!.id;
  keyspaceId = (await workspace.sdk.apis.createApi({ name: "shop-keys" })).data.apiId;
});

const list = async (refs = production) => (await workspace.sdk.gateway.listPolicies(refs)).data;

describe("gateway.setPolicies / listPolicies through the official SDK", () => {
  it("stores the list in order with fresh ids, the deprecated identifier as identifiers", async () => {
    const policies: Policy[] = [
      {
        name: "keys",
        enabled: true,
        keyauth: {
          keyspaces: [keyspaceId],
          locations: [{ header: { name: "X-Api-Key" } }],
          permissionQuery: "orders.read OR admin",
          credits: 0,
        },
      },
      deny("no admin", "/admin"),
      {
        name: "per ip",
        enabled: false,
        ratelimit: { limit: 10, windowMs: 60_000, identifier: { remoteIp: {} } },
      },
    ];
    expect((await workspace.sdk.gateway.setPolicies({ ...production, policies })).data).toEqual({});
    const stored = await list();
    expect(stored.map((p) => p.name)).toEqual(["keys", "no admin", "per ip"]);
    for (const policy of stored) expect(policy.id).toMatch(/^pol_[0-9a-z]{26}$/);
    expect(stored[0]!.keyauth).toEqual(policies[0]!.keyauth);
    expect(stored[1]!.match).toEqual([{ path: { path: { prefix: "/admin" } } }]);
    expect(stored[2]!.ratelimit).toEqual({
      limit: 10,
      windowMs: 60_000,
      identifiers: [{ remoteIp: {} }],
    });
    expect(stored[2]!.enabled).toBe(false);

    await workspace.sdk.gateway.setPolicies({ ...production, policies });
    const again = await list();
    expect(again.map((p) => p.name)).toEqual(["keys", "no admin", "per ip"]);
    expect(again.map((p) => p.id)).not.toContain(stored[0]!.id);
    expect(await auditActions(api, environmentId)).toContain("environment.set_policies");
  });

  it("keeps each environment's list to itself; an empty list removes all", async () => {
    const staging = { ...production, environment: stagingId };
    await workspace.sdk.gateway.setPolicies({ ...staging, policies: [deny("s", "/s")] });
    await workspace.sdk.gateway.setPolicies({ ...production, policies: [deny("p", "/p")] });
    expect((await list(staging)).map((p) => p.name)).toEqual(["s"]);
    await workspace.sdk.gateway.setPolicies({ ...production, policies: [] });
    expect(await list()).toEqual([]);
    expect((await list(staging)).map((p) => p.name)).toEqual(["s"]);
  });

  it("writes nothing when any policy is invalid, and names it", async () => {
    await workspace.sdk.gateway.setPolicies({ ...production, policies: [deny("kept", "/k")] });
    const invalid: Array<[string, Policy]> = [
      [
        "a backreference RE2 rejects",
        {
          name: "re",
          enabled: true,
          match: [{ path: { path: { regex: "^/(a+)\\1$" } } }],
          firewall: { action: "ACTION_DENY" },
        },
      ],
      [
        "two rules",
        { ...deny("two", "/x"), ratelimit: { limit: 1, windowMs: 1000, identifiers: [] } },
      ],
      [
        "a keyspace that does not exist",
        { name: "k", enabled: true, keyauth: { keyspaces: ["api_00000000000000000000000000"] } },
      ],
      [
        "a permission query that does not parse",
        {
          name: "k",
          enabled: true,
          keyauth: { keyspaces: [keyspaceId], permissionQuery: "orders.read AND (" },
        },
      ],
    ];
    for (const [what, policy] of invalid) {
      const error = await workspace.sdk.gateway
        .setPolicies({ ...production, policies: [deny("first", "/f"), policy] })
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(error, what).toBeInstanceOf(errors.BadRequestErrorResponse);
      expect((error as errors.BadRequestErrorResponse).data$.error.detail, what).toContain(
        "policies",
      );
    }
    expect((await list()).map((p) => p.name)).toEqual(["kept"]);
  });

  it("refuses more than 50 policies", async () => {
    const policies = Array.from({ length: 51 }, (_, i) => deny(`p${i}`, `/p${i}`));
    await expect(
      workspace.sdk.gateway.setPolicies({ ...production, policies }),
    ).rejects.toBeInstanceOf(errors.BadRequestErrorResponse);
    await workspace.sdk.gateway.setPolicies({ ...production, policies: policies.slice(0, 50) });
    expect(await list()).toHaveLength(50);
  });

  it("serialises concurrent replaces: every call succeeds and one whole list wins", async () => {
    const lists = Array.from({ length: 6 }, (_, n) =>
      Array.from({ length: 3 }, (_, i) => deny(`list${n}-${i}`, `/${n}/${i}`)),
    );
    const answers = await Promise.all(
      lists.map((policies) => workspace.sdk.gateway.setPolicies({ ...production, policies })),
    );
    expect(answers.map((answer) => answer.data)).toEqual(lists.map(() => ({})));
    const names = (await list()).map((p) => p.name);
    expect(lists.map((policies) => policies.map((p) => p.name))).toContainEqual(names);
  });

  it("answers 400 for control characters and unknown fields, naming the field", async () => {
    for (const body of [
      { ...production, policies: [deny("bad\u0000name", "/x")] },
      { ...production, policies: [{ ...deny("x", "/x"), extra: true }] },
      { ...production, policies: "all" },
    ]) {
      const response = await api.post("/v2/gateway.setPolicies", body, workspace.rootKey);
      expect(response.status).toBe(400);
      const answer = await response.json();
      expect(answer.meta.requestId).toBeTruthy();
      expect(answer.error.errors[0].location).toMatch(/^body\.policies/);
    }
  });

  it("answers 404 for an unknown environment, 401 without a root key", async () => {
    await expect(
      workspace.sdk.gateway.listPolicies({ ...production, environment: "nope" }),
    ).rejects.toBeInstanceOf(errors.NotFoundErrorResponse);
    const response = await api.post("/v2/gateway.listPolicies", production);
    expect(response.status).toBe(401);
  });
});

describe("gateway.updatePolicy through the official SDK", () => {
  it("changes one policy in place: same id, same position, others untouched", async () => {
    await workspace.sdk.gateway.setPolicies({
      ...production,
      policies: [deny("a", "/a"), deny("b", "/b"), deny("c", "/c")],
    });
    const before = await list();
    const b = before[1]!;
    await workspace.sdk.gateway.updatePolicy({ ...production, policyId: b.id, enabled: false });
    await workspace.sdk.gateway.updatePolicy({
      ...production,
      policyId: b.id,
      ratelimit: { limit: 5, windowMs: 1000, identifiers: [{ path: {} }] },
    });
    await workspace.sdk.gateway.updatePolicy({ ...production, policyId: b.id, match: null });
    const after = await list();
    expect(after.map((p) => p.id)).toEqual(before.map((p) => p.id));
    expect(after[1]).toEqual({
      id: b.id,
      name: "b",
      enabled: false,
      ratelimit: { limit: 5, windowMs: 1000, identifiers: [{ path: {} }] },
    });
    expect(after[0]).toEqual(before[0]);
    expect(after[2]).toEqual(before[2]);
    expect(await auditActions(api, environmentId)).toContain("environment.update_policy");
  });

  it("refuses no field, two rules, an invalid rule; 404 for an id setPolicies replaced", async () => {
    await workspace.sdk.gateway.setPolicies({ ...production, policies: [deny("a", "/a")] });
    const [policy] = await list();
    const refused = [
      { ...production, policyId: policy!.id },
      {
        ...production,
        policyId: policy!.id,
        firewall: { action: "ACTION_DENY" as const },
        openapi: {},
      },
      {
        ...production,
        policyId: policy!.id,
        keyauth: { keyspaces: [keyspaceId], permissionQuery: "AND" },
      },
    ];
    for (const body of refused) {
      await expect(workspace.sdk.gateway.updatePolicy(body)).rejects.toBeInstanceOf(
        errors.BadRequestErrorResponse,
      );
    }
    expect(await list()).toEqual([policy]);
    await workspace.sdk.gateway.setPolicies({ ...production, policies: [deny("a", "/a")] });
    await expect(
      workspace.sdk.gateway.updatePolicy({ ...production, policyId: policy!.id, name: "x" }),
    ).rejects.toBeInstanceOf(errors.NotFoundErrorResponse);
  });
});

describe("root-key permissions, Unkey's style", () => {
  it("grants per action and per environment", async () => {
    const reader = await rootKeyWith(api, workspace, [
      `environment.${environmentId}.read_policies`,
    ]);
    expect(Array.isArray((await reader.sdk.gateway.listPolicies(production)).data)).toBe(true);
    await expect(
      reader.sdk.gateway.listPolicies({ ...production, environment: stagingId }),
    ).rejects.toBeInstanceOf(errors.ForbiddenErrorResponse);
    await expect(
      reader.sdk.gateway.setPolicies({ ...production, policies: [] }),
    ).rejects.toBeInstanceOf(errors.ForbiddenErrorResponse);

    const setter = await rootKeyWith(api, workspace, ["environment.*.set_policies"]);
    await setter.sdk.gateway.setPolicies({ ...production, policies: [deny("by setter", "/s")] });
    const [stored] = await list();
    await expect(
      setter.sdk.gateway.updatePolicy({ ...production, policyId: stored!.id, name: "x" }),
    ).rejects.toBeInstanceOf(errors.ForbiddenErrorResponse);
    const updater = await rootKeyWith(api, workspace, [
      `environment.${environmentId}.update_policy`,
    ]);
    await updater.sdk.gateway.updatePolicy({ ...production, policyId: stored!.id, name: "y" });
    expect((await list()).map((p) => p.name)).toEqual(["y"]);
  });
});
