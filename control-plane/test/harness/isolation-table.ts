import { maintainRequestLogPartitions, PgRequestLogSink } from "@slipway/request-logs";
import { defaultRuntime, newId } from "@slipway/shared";
import { deployments } from "../../src/db/schema/index.js";
import type { TestApi, TestWorkspace } from "./api.js";

/**
 * The workspace-isolation table (issue 13's, shared with the dashboard's session test): one
 * workspace's objects of every kind, and every route that names an object, called with their
 * ids and slugs. Another workspace's caller must get 404 from each, whatever it signs in with.
 */
export interface IsolationIds {
  project: string;
  app: string;
  environment: string;
  domain: string;
  deployment: string;
  api: string;
  keyId: string;
  key: string;
  namespace: string;
  identity: string;
  permission: string;
  role: string;
  intruderKeyId: string;
  policy: string;
}

export const bySlug = { project: "secret", app: "vault", environment: "production" };

/** Creates the owner's objects (and the intruder's one key); every secret goes to `api.secrets`. */
export async function seedIsolationObjects(
  api: TestApi,
  owner: TestWorkspace,
  intruder: TestWorkspace,
): Promise<IsolationIds> {
  const ids: IsolationIds = {
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
  return ids;
}

const byId = (ids: IsolationIds) => ({
  project: ids.project,
  app: ids.app,
  environment: ids.environment,
});

/** Every route that names an object, called with the owner's ids and slugs. */
export const isolationCases: Array<[string, (ids: IsolationIds) => Record<string, unknown>]> = [
  ["projects.getProject", (ids) => ({ project: ids.project })],
  ["projects.getProject", () => ({ project: "secret" })],
  ["projects.updateProject", (ids) => ({ project: ids.project, name: "pwned" })],
  ["projects.deleteProject", (ids) => ({ project: ids.project })],
  ["apps.createApp", (ids) => ({ project: ids.project, name: "x", slug: "x" })],
  ["apps.getApp", (ids) => ({ project: ids.project, app: ids.app })],
  ["apps.getApp", () => ({ project: "secret", app: "vault" })],
  ["apps.listApps", (ids) => ({ project: ids.project })],
  ["apps.updateApp", (ids) => ({ project: ids.project, app: ids.app, name: "pwned" })],
  ["apps.deleteApp", (ids) => ({ project: ids.project, app: ids.app })],
  ["apps.listRepositoryBranches", (ids) => ({ project: ids.project, app: ids.app })],
  ["apps.listRepositoryCommits", () => ({ project: "secret", app: "vault", branch: "main" })],
  ["environments.getEnvironment", byId],
  ["environments.getEnvironment", () => bySlug],
  ["environments.listEnvironments", (ids) => ({ project: ids.project, app: ids.app })],
  ["environments.updateSettings", (ids) => ({ ...byId(ids), port: 1234 })],
  [
    "environments.setEnvironmentVariables",
    (ids) => ({ ...byId(ids), variables: [{ key: "TOKEN", value: "pwned" }] }),
  ],
  ["environments.listEnvironmentVariables", byId],
  ["environments.removeEnvironmentVariables", (ids) => ({ ...byId(ids), variables: ["TOKEN"] })],
  ["gateway.listPolicies", byId],
  ["gateway.listPolicies", () => bySlug],
  ["gateway.setPolicies", (ids) => ({ ...byId(ids), policies: [] })],
  ["gateway.updatePolicy", (ids) => ({ ...byId(ids), policyId: ids.policy, enabled: false })],
  ["domains.createDomain", (ids) => ({ ...byId(ids), domain: "evil.acme.com" })],
  ["domains.getDomain", (ids) => ({ domain: ids.domain })],
  ["domains.getDomain", () => ({ domain: "vault.acme.com" })],
  ["domains.listDomains", byId],
  ["domains.verifyDomain", (ids) => ({ domain: ids.domain })],
  ["domains.deleteDomain", (ids) => ({ domain: ids.domain })],
  ["deployments.getDeployment", (ids) => ({ deploymentId: ids.deployment })],
  ["deployments.listDeployments", (ids) => ({ project: ids.project })],
  ["apis.getApi", (ids) => ({ apiId: ids.api })],
  ["apis.deleteApi", (ids) => ({ apiId: ids.api })],
  ["apis.listKeys", (ids) => ({ apiId: ids.api })],
  ["keys.createKey", (ids) => ({ apiId: ids.api })],
  ["keys.getKey", (ids) => ({ keyId: ids.keyId, decrypt: true })],
  ["keys.whoami", (ids) => ({ key: ids.key })],
  ["keys.updateKey", (ids) => ({ keyId: ids.keyId, name: "pwned", enabled: false })],
  ["keys.updateCredits", (ids) => ({ keyId: ids.keyId, operation: "set", value: 0 })],
  ["keys.rerollKey", (ids) => ({ keyId: ids.keyId, expiration: 0 })],
  ["keys.deleteKey", (ids) => ({ keyId: ids.keyId, permanent: true })],
  [
    "keys.migrateKeys",
    (ids) => ({ migrationId: "intruder", apiId: ids.api, keys: [{ hash: `${"A".repeat(43)}=` }] }),
  ],
  [
    "ratelimit.setOverride",
    (ids) => ({ namespace: ids.namespace, identifier: "*", limit: 0, duration: 60_000 }),
  ],
  ["ratelimit.getOverride", (ids) => ({ namespace: ids.namespace, identifier: "vip_*" })],
  ["ratelimit.listOverrides", (ids) => ({ namespace: ids.namespace })],
  ["ratelimit.deleteOverride", (ids) => ({ namespace: ids.namespace, identifier: "vip_*" })],
  ["keys.addPermissions", (ids) => ({ keyId: ids.keyId, permissions: ["pwned"] })],
  ["keys.removePermissions", (ids) => ({ keyId: ids.keyId, permissions: [ids.permission] })],
  ["keys.setPermissions", (ids) => ({ keyId: ids.keyId, permissions: [] })],
  ["keys.addRoles", (ids) => ({ keyId: ids.keyId, roles: [] })],
  ["keys.removeRoles", (ids) => ({ keyId: ids.keyId, roles: [] })],
  ["keys.setRoles", (ids) => ({ keyId: ids.keyId, roles: [] })],
  // The intruder's own key, given the owner's permission or role by id.
  ["keys.addPermissions", (ids) => ({ keyId: ids.intruderKeyId, permissions: [ids.permission] })],
  ["keys.addRoles", (ids) => ({ keyId: ids.intruderKeyId, roles: [ids.role] })],
  ["keys.setRoles", (ids) => ({ keyId: ids.intruderKeyId, roles: ["owner-role"] })],
  ["identities.getIdentity", (ids) => ({ identity: ids.identity })],
  ["identities.getIdentity", () => ({ identity: "owner-user" })],
  ["identities.updateIdentity", (ids) => ({ identity: ids.identity, meta: { plan: "pwned" } })],
  ["identities.deleteIdentity", () => ({ identity: "owner-user" })],
  ["identities.deleteIdentity", (ids) => ({ identity: ids.identity })],
  ["permissions.getPermission", (ids) => ({ permission: ids.permission })],
  ["permissions.getPermission", () => ({ permission: "owner.secret" })],
  ["permissions.deletePermission", (ids) => ({ permission: ids.permission })],
  ["permissions.getRole", (ids) => ({ role: ids.role })],
  ["permissions.getRole", () => ({ role: "owner-role" })],
  ["permissions.setRolePermissions", (ids) => ({ roleId: ids.role, permissions: [] })],
  ["permissions.deleteRole", (ids) => ({ role: ids.role })],
  ["permissions.deleteRole", () => ({ role: "owner-role" })],
];
