import { maintainRequestLogPartitions, PgRequestLogSink } from "@slipway/request-logs";
import { defaultRuntime, newId } from "@slipway/shared";
import { beforeAll, describe, expect, it } from "vitest";
import { deployments } from "../../src/db/schema/index.js";
import { startTestApi, type TestApi, type TestWorkspace } from "../harness/api.js";

let api: TestApi;
let intruder: TestWorkspace;
let owner: TestWorkspace;
const ids = {
  project: "",
  app: "",
  environment: "",
  domain: "",
  deployment: "",
  api: "",
  keyId: "",
  key: "",
  namespace: "",
  identity: "",
  permission: "",
  role: "",
  intruderKeyId: "",
  policy: "",
};

beforeAll(async () => {
  api = await startTestApi({ redis: true });
  owner = await api.newWorkspace("owner");
  intruder = await api.newWorkspace("intruder");
  ids.project = (
    await owner.sdk.projects.createProject({ name: "Secret", slug: "secret" })
  ).data.id;
  ids.app = (
    await owner.sdk.apps.createApp({ project: "secret", name: "Vault", slug: "vault" })
  ).data.appId;
  const environments = await owner.sdk.environments.listEnvironments({
    project: "secret",
    app: "vault",
  });
  ids.environment = environments.data.find((environment) => environment.slug === "production")!.id;
  await owner.sdk.environments.setEnvironmentVariables({
    project: "secret",
    app: "vault",
    environment: "production",
    variables: [{ key: "TOKEN", value: "owner-only-value", kind: "recoverable" }],
  });
  api.secrets.add("owner-only-value");
  ids.domain = (
    await owner.sdk.domains.createDomain({
      project: "secret",
      app: "vault",
      environment: "production",
      domain: "vault.acme.com",
    })
  ).data.domainId;
  ids.deployment = newId("deployment");
  await api.database.db.insert(deployments).values({
    id: ids.deployment,
    workspaceId: owner.workspaceId,
    projectId: ids.project,
    appId: ids.app,
    environmentId: ids.environment,
    status: "ready",
    trigger: "manual",
    gitCommitSha: "a".repeat(40),
    runtime: defaultRuntime,
    regions: ["eu-1"],
    createdAt: new Date(),
  });
  await maintainRequestLogPartitions(api.database.pool, Date.now(), {
    retentionDays: 7,
    daysAhead: 1,
  });
  await new PgRequestLogSink(api.database.pool).write([
    {
      time: Date.now(),
      requestId: "req_owner",
      host: "vault.acme.com",
      method: "GET",
      path: "/owner-only",
      status: 200,
      totalLatencyMs: 1,
      upstreamLatencyMs: 1,
      sentinelLatencyMs: 0,
      region: "eu-1",
      deploymentId: ids.deployment,
      environmentId: ids.environment,
      outcome: "allowed",
      clientIp: "203.0.113.7",
    },
  ]);
  ids.api = (await owner.sdk.apis.createApi({ name: "owner-keys" })).data.apiId;
  const created = await owner.sdk.keys.createKey({ apiId: ids.api, name: "owner key" });
  ids.keyId = created.data.keyId;
  ids.key = created.data.key;
  api.secrets.add(ids.key);
  await owner.sdk.ratelimit.limit({
    namespace: "owner.ns",
    identifier: "user_1",
    limit: 1,
    duration: 60_000,
  });
  ids.namespace = (await api.database.db.query.ratelimitNamespaces.findFirst({
    where: (namespace, { eq }) => eq(namespace.workspaceId, owner.workspaceId),
  }))!.id;
  await owner.sdk.ratelimit.setOverride({
    namespace: "owner.ns",
    identifier: "vip_*",
    limit: 1000,
    duration: 60_000,
  });
  ids.identity = (
    await owner.sdk.identities.createIdentity({ externalId: "owner-user", meta: { plan: "gold" } })
  ).data.identityId;
  ids.permission = (
    await owner.sdk.permissions.createPermission({ name: "owner.secret", slug: "owner.secret" })
  ).data.permissionId;
  ids.role = (
    await owner.sdk.permissions.createRole({ name: "owner-role", permissions: ["owner.secret"] })
  ).data.roleId;
  await owner.sdk.keys.addRoles({ keyId: ids.keyId, roles: ["owner-role"] });
  const intruderApi = (await intruder.sdk.apis.createApi({ name: "intruder-keys" })).data.apiId;
  const intruderKey = await intruder.sdk.keys.createKey({ apiId: intruderApi });
  ids.intruderKeyId = intruderKey.data.keyId;
  api.secrets.add(intruderKey.data.key);
  await owner.sdk.gateway.setPolicies({
    ...bySlug,
    policies: [{ name: "owner keys", enabled: true, keyauth: { keyspaces: [ids.api] } }],
  });
  ids.policy = (await owner.sdk.gateway.listPolicies(bySlug)).data[0]!.id;
});

const byId = () => ({ project: ids.project, app: ids.app, environment: ids.environment });
const bySlug = { project: "secret", app: "vault", environment: "production" };

/** Every route that names an object, called with the owner's ids and slugs. */
const cases: Array<[string, () => Record<string, unknown>]> = [
  ["projects.getProject", () => ({ project: ids.project })],
  ["projects.getProject", () => ({ project: "secret" })],
  ["projects.updateProject", () => ({ project: ids.project, name: "pwned" })],
  ["projects.deleteProject", () => ({ project: ids.project })],
  ["apps.createApp", () => ({ project: ids.project, name: "x", slug: "x" })],
  ["apps.getApp", () => ({ project: ids.project, app: ids.app })],
  ["apps.getApp", () => ({ project: "secret", app: "vault" })],
  ["apps.listApps", () => ({ project: ids.project })],
  ["apps.updateApp", () => ({ project: ids.project, app: ids.app, name: "pwned" })],
  ["apps.deleteApp", () => ({ project: ids.project, app: ids.app })],
  ["environments.getEnvironment", byId],
  ["environments.getEnvironment", () => bySlug],
  ["environments.listEnvironments", () => ({ project: ids.project, app: ids.app })],
  ["environments.updateSettings", () => ({ ...byId(), port: 1234 })],
  [
    "environments.setEnvironmentVariables",
    () => ({ ...byId(), variables: [{ key: "TOKEN", value: "pwned" }] }),
  ],
  ["environments.listEnvironmentVariables", byId],
  ["environments.removeEnvironmentVariables", () => ({ ...byId(), variables: ["TOKEN"] })],
  ["gateway.listPolicies", byId],
  ["gateway.listPolicies", () => bySlug],
  ["gateway.setPolicies", () => ({ ...byId(), policies: [] })],
  ["gateway.updatePolicy", () => ({ ...byId(), policyId: ids.policy, enabled: false })],
  ["domains.createDomain", () => ({ ...byId(), domain: "evil.acme.com" })],
  ["domains.getDomain", () => ({ domain: ids.domain })],
  ["domains.getDomain", () => ({ domain: "vault.acme.com" })],
  ["domains.listDomains", byId],
  ["domains.verifyDomain", () => ({ domain: ids.domain })],
  ["domains.deleteDomain", () => ({ domain: ids.domain })],
  ["deployments.getDeployment", () => ({ deploymentId: ids.deployment })],
  ["deployments.listDeployments", () => ({ project: ids.project })],
  ["apis.getApi", () => ({ apiId: ids.api })],
  ["apis.deleteApi", () => ({ apiId: ids.api })],
  ["apis.listKeys", () => ({ apiId: ids.api })],
  ["keys.createKey", () => ({ apiId: ids.api })],
  ["keys.getKey", () => ({ keyId: ids.keyId, decrypt: true })],
  ["keys.whoami", () => ({ key: ids.key })],
  ["keys.updateKey", () => ({ keyId: ids.keyId, name: "pwned", enabled: false })],
  ["keys.updateCredits", () => ({ keyId: ids.keyId, operation: "set", value: 0 })],
  ["keys.rerollKey", () => ({ keyId: ids.keyId, expiration: 0 })],
  ["keys.deleteKey", () => ({ keyId: ids.keyId, permanent: true })],
  [
    "keys.migrateKeys",
    () => ({ migrationId: "intruder", apiId: ids.api, keys: [{ hash: `${"A".repeat(43)}=` }] }),
  ],
  [
    "ratelimit.setOverride",
    () => ({ namespace: ids.namespace, identifier: "*", limit: 0, duration: 60_000 }),
  ],
  ["ratelimit.getOverride", () => ({ namespace: ids.namespace, identifier: "vip_*" })],
  ["ratelimit.listOverrides", () => ({ namespace: ids.namespace })],
  ["ratelimit.deleteOverride", () => ({ namespace: ids.namespace, identifier: "vip_*" })],
  ["keys.addPermissions", () => ({ keyId: ids.keyId, permissions: ["pwned"] })],
  ["keys.removePermissions", () => ({ keyId: ids.keyId, permissions: [ids.permission] })],
  ["keys.setPermissions", () => ({ keyId: ids.keyId, permissions: [] })],
  ["keys.addRoles", () => ({ keyId: ids.keyId, roles: [] })],
  ["keys.removeRoles", () => ({ keyId: ids.keyId, roles: [] })],
  ["keys.setRoles", () => ({ keyId: ids.keyId, roles: [] })],
  // The intruder's own key, given the owner's permission or role by id.
  ["keys.addPermissions", () => ({ keyId: ids.intruderKeyId, permissions: [ids.permission] })],
  ["keys.addRoles", () => ({ keyId: ids.intruderKeyId, roles: [ids.role] })],
  ["keys.setRoles", () => ({ keyId: ids.intruderKeyId, roles: ["owner-role"] })],
  ["identities.getIdentity", () => ({ identity: ids.identity })],
  ["identities.getIdentity", () => ({ identity: "owner-user" })],
  ["identities.updateIdentity", () => ({ identity: ids.identity, meta: { plan: "pwned" } })],
  ["identities.deleteIdentity", () => ({ identity: "owner-user" })],
  ["identities.deleteIdentity", () => ({ identity: ids.identity })],
  ["permissions.getPermission", () => ({ permission: ids.permission })],
  ["permissions.getPermission", () => ({ permission: "owner.secret" })],
  ["permissions.deletePermission", () => ({ permission: ids.permission })],
  ["permissions.getRole", () => ({ role: ids.role })],
  ["permissions.getRole", () => ({ role: "owner-role" })],
  ["permissions.setRolePermissions", () => ({ roleId: ids.role, permissions: [] })],
  ["permissions.deleteRole", () => ({ role: ids.role })],
  ["permissions.deleteRole", () => ({ role: "owner-role" })],
];

describe("a root key of one workspace never reaches another's objects", () => {
  it.each(cases)(
    "%s answers 404 for the other workspace's object (%#)",
    async (operation, body) => {
      const response = await api.post(`/v2/${operation}`, body(), intruder.rootKey);
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
