import * as errors from "@unkey/api/models/errors";
import { beforeAll, describe, expect, it } from "vitest";
import { startTestApi, type TestApi, type TestWorkspace } from "../harness/api.js";

let api: TestApi;
let workspace: TestWorkspace;

beforeAll(async () => {
  api = await startTestApi();
  workspace = await api.newWorkspace();
});

describe("projects through the official SDK", () => {
  it("creates, reads by id and by slug, updates and deletes a project", async () => {
    const created = await workspace.sdk.projects.createProject({
      name: "Payments",
      slug: "payments",
    });
    expect(created.data.id).toMatch(/^proj_[0-9a-z]{26}$/);
    expect(created.meta.requestId).toMatch(/^req_/);

    const byId = await workspace.sdk.projects.getProject({ project: created.data.id });
    const bySlug = await workspace.sdk.projects.getProject({ project: "payments" });
    expect(byId.data).toEqual(bySlug.data);
    expect(byId.data).toMatchObject({
      name: "Payments",
      slug: "payments",
      deleteProtection: false,
    });
    expect(byId.data.updatedAt).toBeUndefined();

    const updated = await workspace.sdk.projects.updateProject({
      project: "payments",
      name: "Payments API",
      deleteProtection: true,
    });
    expect(updated.data).toMatchObject({
      name: "Payments API",
      slug: "payments",
      deleteProtection: true,
    });
    expect(updated.data.updatedAt).toBeGreaterThanOrEqual(updated.data.createdAt);

    await expect(
      workspace.sdk.projects.deleteProject({ project: "payments" }),
    ).rejects.toBeInstanceOf(errors.PreconditionFailedErrorResponse);
    await workspace.sdk.projects.updateProject({ project: "payments", deleteProtection: false });
    await workspace.sdk.projects.deleteProject({ project: created.data.id });
    await expect(workspace.sdk.projects.getProject({ project: "payments" })).rejects.toBeInstanceOf(
      errors.NotFoundErrorResponse,
    );
  });

  it("rejects a second project with the same slug as a conflict", async () => {
    await workspace.sdk.projects.createProject({ name: "One", slug: "dupe" });
    const failure = await workspace.sdk.projects
      .createProject({ name: "Two", slug: "dupe" })
      .catch((e) => e);
    expect(failure).toBeInstanceOf(errors.ConflictErrorResponse);
    expect(failure.data$.error.detail).toContain("dupe");
    expect(failure.data$.error.type).toMatch(/^https:\/\/slipway\.dev\/docs\/errors\//);
  });

  it("pages through projects with a cursor and filters by search", async () => {
    const local = await api.newWorkspace("paging");
    for (let i = 0; i < 5; i++)
      await local.sdk.projects.createProject({ name: `Svc ${i}`, slug: `svc-${i}` });
    await local.sdk.projects.createProject({ name: "Other", slug: "other" });

    const seen: string[] = [];
    let pages = 0;
    for await (const page of await local.sdk.projects.listProjects({ limit: 2 })) {
      pages++;
      seen.push(...page.result.data.map((project) => project.slug));
    }
    expect(pages).toBe(3);
    expect(seen).toEqual(["svc-0", "svc-1", "svc-2", "svc-3", "svc-4", "other"]);

    const searched = await local.sdk.projects.listProjects({ search: "SVC" });
    expect(searched.result.data).toHaveLength(5);
    expect(searched.result.pagination.hasMore).toBe(false);
  });
});

describe("apps through the official SDK", () => {
  it("creates an app with production and preview environments and its repository", async () => {
    await workspace.sdk.projects.createProject({ name: "Web", slug: "web" });
    const { data } = await workspace.sdk.apps.createApp({
      project: "web",
      name: "Frontend",
      slug: "frontend",
      git: { repository: "acme/frontend", defaultBranch: "trunk" },
    });
    expect(data.appId).toMatch(/^app_/);

    const app = await workspace.sdk.apps.getApp({ project: "web", app: "frontend" });
    expect(app.data).toMatchObject({
      id: data.appId,
      git: { repository: "acme/frontend", defaultBranch: "trunk" },
      isRolledBack: false,
      deleteProtection: false,
    });
    expect(app.data.currentDeploymentId).toBeUndefined();

    const environments = await workspace.sdk.environments.listEnvironments({
      project: "web",
      app: "frontend",
    });
    expect(
      environments.data.map((environment) => [environment.slug, environment.kind]).sort(),
    ).toEqual([
      ["preview", "preview"],
      ["production", "production"],
    ]);
  });

  it("updates and disconnects the repository, guards deletion and lists apps", async () => {
    await workspace.sdk.projects.createProject({ name: "Shop", slug: "shop" });
    await workspace.sdk.apps.createApp({ project: "shop", name: "API", slug: "api" });
    await workspace.sdk.apps.createApp({ project: "shop", name: "Worker", slug: "worker" });

    const connected = await workspace.sdk.apps.updateApp({
      project: "shop",
      app: "api",
      git: { repository: "acme/api" },
    });
    expect(connected.data.git).toEqual({ repository: "acme/api", defaultBranch: "main" });
    const disconnected = await workspace.sdk.apps.updateApp({
      project: "shop",
      app: "api",
      git: null,
    });
    expect(disconnected.data.git).toBeUndefined();

    await workspace.sdk.apps.updateApp({ project: "shop", app: "api", deleteProtection: true });
    await expect(
      workspace.sdk.apps.deleteApp({ project: "shop", app: "api" }),
    ).rejects.toBeInstanceOf(errors.PreconditionFailedErrorResponse);
    await expect(workspace.sdk.projects.deleteProject({ project: "shop" })).rejects.toBeInstanceOf(
      errors.PreconditionFailedErrorResponse,
    );

    const listed = await workspace.sdk.apps.listApps({ project: "shop" });
    expect(listed.result.data.map((app) => app.slug)).toEqual(["api", "worker"]);

    await workspace.sdk.apps.deleteApp({ project: "shop", app: "worker" });
    await expect(
      workspace.sdk.apps.getApp({ project: "shop", app: "worker" }),
    ).rejects.toBeInstanceOf(errors.NotFoundErrorResponse);
  });

  it("answers 409 for a duplicate app slug in one project but allows it in another", async () => {
    await workspace.sdk.projects.createProject({ name: "A", slug: "proj-a" });
    await workspace.sdk.projects.createProject({ name: "B", slug: "proj-b" });
    await workspace.sdk.apps.createApp({ project: "proj-a", name: "Api", slug: "api" });
    await workspace.sdk.apps.createApp({ project: "proj-b", name: "Api", slug: "api" });
    await expect(
      workspace.sdk.apps.createApp({ project: "proj-a", name: "Api", slug: "api" }),
    ).rejects.toBeInstanceOf(errors.ConflictErrorResponse);
  });
});
