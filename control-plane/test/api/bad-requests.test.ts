import { beforeAll, describe, expect, it } from "vitest";
import { startTestApi, type TestApi, type TestWorkspace } from "../harness/api.js";

let api: TestApi;
let workspace: TestWorkspace;

beforeAll(async () => {
  api = await startTestApi({ env: { SLIPWAY_BODY_LIMIT: "4096" } });
  workspace = await api.newWorkspace();
});

async function errorOf(response: Response) {
  const body = await response.json();
  expect(body.meta.requestId).toMatch(/^req_/);
  expect(response.headers.get("x-request-id")).toBe(body.meta.requestId);
  expect(body.error).toMatchObject({
    title: expect.any(String),
    detail: expect.any(String),
    status: response.status,
    type: expect.stringMatching(/^https:\/\/slipway\.dev\/docs\/errors\//),
  });
  return body.error as {
    detail: string;
    errors?: Array<{ location: string; message: string; fix?: string }>;
  };
}

describe("authentication", () => {
  it.each([
    ["no header", undefined],
    ["a wrong key", "Bearer sw_root_not-a-real-key"],
    ["a non-bearer scheme", "Basic dXNlcjpwYXNz"],
  ])("answers 401 for %s", async (_case, authorization) => {
    const response = await api.post(
      "/v2/projects.listProjects",
      {},
      undefined,
      authorization ? { authorization } : {},
    );
    expect(response.status).toBe(401);
    await errorOf(response);
  });

  it("answers 403 when the key lacks the permission, and the work is not done", async () => {
    const readOnly = await api.newWorkspace("read-only", ["project.*.read_project"]);
    const response = await api.post(
      "/v2/projects.createProject",
      { name: "X", slug: "x" },
      readOnly.rootKey,
    );
    expect(response.status).toBe(403);
    expect((await errorOf(response)).detail).toContain("project.*.create_project");
    const listed = await readOnly.sdk.projects.listProjects({});
    expect(listed.result.data).toEqual([]);
  });
});

describe("validation", () => {
  it.each([
    [{ name: "Bad", slug: "Has Spaces" }, ["body.slug"]],
    [{ name: "Bad", slug: "-leading-dash" }, ["body.slug"]],
    [{ name: "Bad", slug: "a".repeat(64) }, ["body.slug"]],
    [{ name: "", slug: "ok" }, ["body.name"]],
    [{ slug: "ok" }, ["body.name"]],
    [{ name: "Ok", slug: "ok", owner: "me", extra: 1 }, ["body.owner", "body.extra"]],
  ])("rejects %j with 400 and errors at %j", async (body, locations) => {
    const response = await api.post("/v2/projects.createProject", body, workspace.rootKey);
    expect(response.status).toBe(400);
    const error = await errorOf(response);
    expect(error.errors?.map((e) => e.location)).toEqual(locations);
    const listed = await workspace.sdk.projects.listProjects({});
    expect(listed.result.data.map((project) => project.slug)).not.toContain("ok");
  });

  it("names unknown fields with a fix", async () => {
    const response = await api.post(
      "/v2/projects.getProject",
      { project: "p", projectId: "x" },
      workspace.rootKey,
    );
    const error = await errorOf(response);
    expect(error.errors).toEqual([
      {
        location: "body.projectId",
        message: "unknown field 'projectId'",
        fix: expect.stringContaining("Remove 'projectId'"),
      },
    ]);
  });

  it("answers 400 for malformed JSON and for a body that is not an object", async () => {
    let response = await api.post("/v2/projects.createProject", "{not json", workspace.rootKey);
    expect(response.status).toBe(400);
    await errorOf(response);
    response = await api.post("/v2/projects.createProject", "[1,2]", workspace.rootKey);
    expect(response.status).toBe(400);
    await errorOf(response);
  });

  it("answers 413 for an oversized body and 415 for a non-JSON content type", async () => {
    let response = await api.post(
      "/v2/projects.createProject",
      { name: "x".repeat(10_000), slug: "big" },
      workspace.rootKey,
    );
    expect(response.status).toBe(413);
    await errorOf(response);
    response = await api.post("/v2/projects.createProject", "name=x", workspace.rootKey, {
      "content-type": "text/plain",
    });
    expect(response.status).toBe(415);
    await errorOf(response);
  });

  it("answers 404 in the envelope for an unknown endpoint", async () => {
    const response = await api.post("/v2/projects.frobnicate", {}, workspace.rootKey);
    expect(response.status).toBe(404);
    expect((await errorOf(response)).detail).toContain("/openapi.json");
  });
});

describe("discovery", () => {
  it("serves an OpenAPI document listing every operation it routes", async () => {
    const response = await fetch(`${api.url}/openapi.json`);
    const document = await response.json();
    const paths = Object.keys(document.paths);
    for (const operation of [
      "projects.createProject",
      "apps.updateApp",
      "environments.setEnvironmentVariables",
      "domains.verifyDomain",
      "deployments.listDeployments",
      "auditLogs.listAuditLogs",
      "requestLogs.listRequestLogs",
      "requestLogs.getRequestLogStats",
      "apis.listKeys",
      "keys.createKey",
      "keys.verifyKey",
    ]) {
      expect(paths).toContain(`/v2/${operation}`);
    }
    const create = document.paths["/v2/projects.createProject"].post;
    expect(create.requestBody.content["application/json"].schema.required).toEqual([
      "name",
      "slug",
    ]);
  });

  it("reports liveness and readiness", async () => {
    expect((await fetch(`${api.url}/v2/liveness`)).status).toBe(200);
    const ready = await (await fetch(`${api.url}/readyz`)).json();
    expect(ready.data).toMatchObject({ ready: true, checks: { database: "ok" }, version: "dev" });
  });
});
