import { beforeAll, describe, expect, it } from "vitest";
import { startTestApi, type TestApi, type TestWorkspace } from "../harness/api.js";

let api: TestApi;
let workspace: TestWorkspace;

beforeAll(async () => {
  api = await startTestApi();
  workspace = await api.newWorkspace();
});

describe("audit log", () => {
  it("records every mutation with actor, action, target and request id", async () => {
    const project = await workspace.sdk.projects.createProject({ name: "Audit", slug: "audit" });
    const app = await workspace.sdk.apps.createApp({ project: "audit", name: "App", slug: "app" });
    const settings = await workspace.sdk.environments.updateSettings({
      project: "audit",
      app: "app",
      environment: "production",
      port: 9000,
    });
    await workspace.sdk.environments.setEnvironmentVariables({
      project: "audit",
      app: "app",
      environment: "production",
      variables: [{ key: "AUDITED_SECRET", value: "value-not-in-audit" }],
    });
    api.secrets.add("value-not-in-audit");

    const response = await api.post("/v2/auditLogs.listAuditLogs", {}, workspace.rootKey);
    const body = await response.json();
    const entries = body.data as Array<{
      action: string;
      actor: unknown;
      target: unknown;
      requestId?: string;
      context: Record<string, unknown>;
    }>;
    expect(entries.map((entry) => entry.action)).toEqual([
      "environment.set_variables",
      "environment.update_settings",
      "app.create",
      "project.create",
    ]);
    const [rootKeyRow] = await api.database.pool
      .query("select id from root_keys where workspace_id = $1", [workspace.workspaceId])
      .then((r) => r.rows);
    for (const entry of entries)
      expect(entry.actor).toEqual({ type: "root_key", id: rootKeyRow.id });
    expect(entries[3]!.target).toEqual({ type: "project", id: project.data.id });
    expect(entries[2]!.target).toEqual({ type: "app", id: app.data.appId });
    expect(entries[1]!.requestId).toBe(settings.meta.requestId);
    expect(entries[1]!.context).toEqual({ fields: ["port"] });
    expect(entries[0]!.context).toMatchObject({ keys: ["AUDITED_SECRET"] });
    expect(JSON.stringify(entries)).not.toContain("value-not-in-audit");

    const filtered = await api.post(
      "/v2/auditLogs.listAuditLogs",
      { targetId: project.data.id },
      workspace.rootKey,
    );
    expect((await filtered.json()).data.map((entry: { action: string }) => entry.action)).toEqual([
      "project.create",
    ]);
  });

  it("sorts by time either way, pages in that order, and filters by target type", async () => {
    const listed = async (body: Record<string, unknown>) => {
      const response = await api.post("/v2/auditLogs.listAuditLogs", body, workspace.rootKey);
      expect(response.status, await response.clone().text()).toBe(200);
      return (await response.json()) as {
        data: Array<{ id: string; action: string; createdAt: number; target: { type: string } }>;
        pagination: { cursor?: string; hasMore: boolean };
      };
    };
    const newest = (await listed({})).data;
    const oldest = (await listed({ order: "oldest" })).data;
    expect(oldest.map((entry) => entry.id)).toEqual(newest.map((entry) => entry.id).reverse());
    expect(oldest[0]!.action).toBe("project.create");
    const times = oldest.map((entry) => entry.createdAt);
    expect(times).toEqual([...times].sort((a, b) => a - b));

    // Two at a time, oldest first: the pages join up to the whole list, in order, with no repeats.
    const paged: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await listed({ order: "oldest", limit: 2, ...(cursor ? { cursor } : {}) });
      paged.push(...page.data.map((entry) => entry.id));
      cursor = page.pagination.hasMore ? page.pagination.cursor : undefined;
    } while (cursor);
    expect(paged).toEqual(oldest.map((entry) => entry.id));

    const apps = (await listed({ targetType: "app" })).data;
    expect(apps.map((entry) => entry.action)).toEqual(["app.create"]);

    const bad = await api.post(
      "/v2/auditLogs.listAuditLogs",
      { order: "sideways" },
      workspace.rootKey,
    );
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.errors[0].location).toContain("order");
  });

  it("records nothing for a rejected mutation", async () => {
    const before = (
      await (await api.post("/v2/auditLogs.listAuditLogs", {}, workspace.rootKey)).json()
    ).data.length;
    await api.post(
      "/v2/projects.createProject",
      { name: "X", slug: "BAD SLUG" },
      workspace.rootKey,
    );
    await api.post(
      "/v2/projects.createProject",
      { name: "Dupe", slug: "audit" },
      workspace.rootKey,
    );
    const after = (
      await (await api.post("/v2/auditLogs.listAuditLogs", {}, workspace.rootKey)).json()
    ).data.length;
    expect(after).toBe(before);
  });
});

describe("secrets never reach the log", () => {
  it("keeps root keys and variable values out of every line, even for failing requests", async () => {
    const secretValue = `sk_live_${Math.random().toString(36).slice(2)}`;
    api.secrets.add(secretValue);
    await workspace.sdk.environments.setEnvironmentVariables({
      project: "audit",
      app: "app",
      environment: "production",
      variables: [{ key: "STRIPE_KEY", value: secretValue, kind: "recoverable" }],
    });
    await workspace.sdk.environments.listEnvironmentVariables({
      project: "audit",
      app: "app",
      environment: "production",
    });
    // A bad request that carries the secret in its body, and one with a bad key in the header.
    await api.post(
      "/v2/environments.setEnvironmentVariables",
      {
        project: "audit",
        app: "app",
        environment: "production",
        variables: [{ key: "bad-key", value: secretValue }],
      },
      workspace.rootKey,
    );
    await api.post("/v2/projects.listProjects", {}, `${workspace.rootKey}x`);
    api.secrets.add(`${workspace.rootKey}x`);

    expect(api.logLines.length).toBeGreaterThan(10);
    expect(
      api.logLines.some((line) => line.includes("/v2/environments.setEnvironmentVariables")),
    ).toBe(true);
    for (const secret of [secretValue, workspace.rootKey, `${workspace.rootKey}x`]) {
      expect(api.logLines.filter((line) => line.includes(secret))).toEqual([]);
    }
  });
});
