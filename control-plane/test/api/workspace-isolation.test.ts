import { beforeAll, describe, expect, it } from "vitest";
import { startTestApi, type TestApi, type TestWorkspace } from "../harness/api.js";
import { type BrowserSession, sessionPost, signInWithRootKey } from "../harness/browser-session.js";
import {
  bySlug,
  type IsolationIds,
  isolationCases,
  seedIsolationObjects,
} from "../harness/isolation-table.js";

let api: TestApi;
let intruder: TestWorkspace;
let owner: TestWorkspace;
let ids: IsolationIds;
let session: BrowserSession;

beforeAll(async () => {
  api = await startTestApi({ redis: true });
  owner = await api.newWorkspace("owner");
  intruder = await api.newWorkspace("intruder");
  ids = await seedIsolationObjects(api, owner, intruder);
  session = await signInWithRootKey(api, intruder.rootKey);
});

describe("a root key of one workspace never reaches another's objects", () => {
  it.each(isolationCases)(
    "%s answers 404 for the other workspace's object (%#)",
    async (operation, body) => {
      const response = await api.post(`/v2/${operation}`, body(ids), intruder.rootKey);
      const text = await response.text();
      expect(response.status, text).toBe(404);
      expect(text).not.toContain("owner-only-value");
    },
  );

  it("verifies none of the other workspace's keys: NOT_FOUND, no keyId", async () => {
    const verified = await intruder.sdk.keys.verifyKey({ key: ids.key });
    expect(verified.data).toEqual({ valid: false, code: "NOT_FOUND" });
  });

  it("leaves the owner's objects exactly as they were", async () => {
    const project = await owner.sdk.projects.getProject({ project: "secret" });
    expect(project.data.name).toBe("Secret");
    const app = await owner.sdk.apps.getApp({ project: "secret", app: "vault" });
    expect(app.data.name).toBe("Vault");
    const environment = await owner.sdk.environments.getEnvironment(bySlug);
    expect(environment.data.runtime?.port).toBe(8080);
    const variables = await owner.sdk.environments.listEnvironmentVariables(bySlug);
    expect(variables.data.map((v) => [v.key, v.value])).toEqual([["TOKEN", "owner-only-value"]]);
    const domains = await owner.sdk.domains.listDomains(bySlug);
    expect(domains.data.map((d) => d.domain)).toEqual(["vault.acme.com"]);
    const deployment = await owner.sdk.deployments.getDeployment({ deploymentId: ids.deployment });
    expect(deployment.data.status).toBe("ready");
    expect((await owner.sdk.apis.getApi({ apiId: ids.api })).data.name).toBe("owner-keys");
    const keys = await owner.sdk.apis.listKeys({ apiId: ids.api });
    expect(keys.result.data.map((key) => [key.keyId, key.name])).toEqual([
      [ids.keyId, "owner key"],
    ]);
    expect((await owner.sdk.keys.verifyKey({ key: ids.key })).data.code).toBe("VALID");
    const identity = await owner.sdk.identities.getIdentity({ identity: "owner-user" });
    expect(identity.data).toMatchObject({ id: ids.identity, meta: { plan: "gold" } });
    const role = await owner.sdk.permissions.getRole({ role: ids.role });
    expect(role.data.permissions?.map((permission) => permission.id)).toEqual([ids.permission]);
    const key = await owner.sdk.keys.getKey({ keyId: ids.keyId });
    expect([key.data.roles, key.data.permissions]).toEqual([["owner-role"], []]);
    const verified = await owner.sdk.keys.verifyKey({ key: ids.key, permissions: "owner.secret" });
    expect(verified.data.code).toBe("VALID");
    const policies = await owner.sdk.gateway.listPolicies(bySlug);
    expect(policies.data.map((p) => [p.id, p.enabled, p.keyauth?.keyspaces])).toEqual([
      [ids.policy, true, [ids.api]],
    ]);
  });

  it("limits (and multiLimits) in a namespace of its own, never the other's, by the other's name or id", async () => {
    // A workspace of its own, so the audit rows of what it creates stay out of the list test.
    const stranger = await api.newWorkspace("stranger");
    const check = (namespace: string) => ({
      namespace,
      identifier: "user_1",
      limit: 1,
      duration: 60_000,
    });
    expect((await stranger.sdk.ratelimit.limit(check("owner.ns"))).data.success).toBe(true);
    const byId = await stranger.sdk.ratelimit.limit(check(ids.namespace));
    expect(byId.data.success).toBe(true);
    // Its "owner.ns" is its own, without the owner's override.
    const theirs = await stranger.sdk.ratelimit.listOverrides({ namespace: "owner.ns" });
    expect(theirs.result.data).toEqual([]);
    const owners = await owner.sdk.ratelimit.listOverrides({ namespace: "owner.ns" });
    expect(owners.result.data.map((override) => override.identifier)).toEqual(["vip_*"]);
    // multiLimit by the owner's name and id counts in its own namespaces too.
    const wide = { identifier: "user_1", limit: 10, duration: 60_000 };
    const multi = await stranger.sdk.ratelimit.multiLimit([
      { ...wide, namespace: "owner.ns" },
      { ...wide, namespace: ids.namespace },
    ]);
    expect(multi.data.passed).toBe(true);
    // The owner's counter saw none of it: still exactly its own one request.
    const ownerAgain = await owner.sdk.ratelimit.limit({ ...check("owner.ns"), cost: 0 });
    expect(ownerAgain.data).toEqual(expect.objectContaining({ remaining: 0, success: false }));
    const ownerWide = await owner.sdk.ratelimit.limit({ ...wide, namespace: "owner.ns", cost: 0 });
    expect(ownerWide.data).toEqual(expect.objectContaining({ remaining: 9, success: true }));
  });

  it("lists nothing of the other workspace in unscoped lists", async () => {
    const projects = await intruder.sdk.projects.listProjects({});
    expect(projects.result.data).toEqual([]);
    const listed = await intruder.sdk.deployments.listDeployments({});
    expect(listed.result.data).toEqual([]);
    expect((await intruder.sdk.identities.listIdentities({})).result.data).toEqual([]);
    expect((await intruder.sdk.permissions.listPermissions({})).result.data).toEqual([]);
    expect((await intruder.sdk.permissions.listRoles({})).result.data).toEqual([]);
    const audit = await api.post("/v2/auditLogs.listAuditLogs", {}, intruder.rootKey);
    // Only the intruder's own API and key (made for the cases above) are in its audit log.
    const rows: Array<{ target: { id: string } }> = (await audit.json()).data;
    expect(rows.map((row) => row.target.id)).toContain(ids.intruderKeyId);
    const ownerIds = [ids.project, ids.api, ids.keyId, ids.identity, ids.permission, ids.role];
    expect(rows.filter((row) => ownerIds.includes(row.target.id))).toEqual([]);
  });

  // Last: it gives the intruder a project of its own.
  it("lets no policy of its own verify the other workspace's keys", async () => {
    await intruder.sdk.projects.createProject({ name: "Mine", slug: "mine" });
    await intruder.sdk.apps.createApp({ project: "mine", name: "App", slug: "app" });
    const response = await api.post(
      "/v2/gateway.setPolicies",
      {
        project: "mine",
        app: "app",
        environment: "production",
        policies: [{ name: "steal", enabled: true, keyauth: { keyspaces: [ids.api] } }],
      },
      intruder.rootKey,
    );
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("does not exist in this workspace");
  });

  it("shows none of the other workspace's request logs, even when asked by its ids", async () => {
    const filters = [{}, { deploymentId: ids.deployment }, { environmentId: ids.environment }];
    for (const filter of filters) {
      const listed = await api.post("/v2/requestLogs.listRequestLogs", filter, intruder.rootKey);
      expect((await listed.json()).data).toEqual([]);
      const stats = await api.post("/v2/requestLogs.getRequestLogStats", filter, intruder.rootKey);
      expect((await stats.json()).data.buckets).toEqual([]);
      const own = await api.post("/v2/requestLogs.listRequestLogs", filter, owner.rootKey);
      expect((await own.json()).data.map((log: { path: string }) => log.path)).toEqual([
        "/owner-only",
      ]);
    }
  });
});

// The same table through the dashboard's cookie session (no bearer, CSRF header).
describe("a dashboard session of one workspace never reaches another's objects", () => {
  it.each(isolationCases)(
    "%s answers 404 for the other workspace's object (%#)",
    async (operation, body) => {
      const response = await sessionPost(api, session, `/v2/${operation}`, body(ids));
      const text = await response.text();
      expect(response.status, text).toBe(404);
      expect(text).not.toContain("owner-only-value");
    },
  );

  it("lists nothing of the other workspace, and left the owner's objects as they were", async () => {
    // The intruder's own project (made by the root-key cases above) only, never the owner's.
    const projects = await sessionPost(api, session, "/v2/projects.listProjects");
    const listed: { id: string; slug: string }[] = (await projects.json()).data;
    expect(listed.map((project) => project.slug)).toEqual(["mine"]);
    expect(listed.map((project) => project.id)).not.toContain(ids.project);
    const deployments = await sessionPost(api, session, "/v2/deployments.listDeployments");
    expect((await deployments.json()).data).toEqual([]);
    const variables = await owner.sdk.environments.listEnvironmentVariables(bySlug);
    expect(variables.data.map((v) => [v.key, v.value])).toEqual([["TOKEN", "owner-only-value"]]);
    const keys = await owner.sdk.apis.listKeys({ apiId: ids.api });
    expect(keys.result.data.map((key) => key.keyId)).toEqual([ids.keyId]);
  });
});
