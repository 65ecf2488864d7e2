import * as errors from "@unkey/api/models/errors";
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { environmentVariables } from "../../src/db/schema/index.js";
import { startTestApi, type TestApi, type TestWorkspace } from "../harness/api.js";

let api: TestApi;
let workspace: TestWorkspace;
const production = { project: "store", app: "api", environment: "production" };

beforeAll(async () => {
  api = await startTestApi();
  workspace = await api.newWorkspace();
  await workspace.sdk.projects.createProject({ name: "Store", slug: "store" });
  await workspace.sdk.apps.createApp({ project: "store", name: "API", slug: "api" });
});

describe("environment settings", () => {
  it("starts with defaults and applies updateSettings: omitted fields stay, null clears", async () => {
    const initial = await workspace.sdk.environments.getEnvironment(production);
    expect(initial.data.runtime).toMatchObject({
      port: 8080,
      vCpus: 0.25,
      memoryMib: 256,
      storageMib: 0,
      upstreamProtocol: "http1",
    });
    expect(initial.data.regions).toEqual([{ name: "eu-1", replicas: { min: 1, max: 1 } }]);

    await workspace.sdk.environments.updateSettings({
      ...production,
      port: 3000,
      vCpus: 1.5,
      memoryMib: 1024,
      storageMib: 2048,
      healthcheck: { method: "GET", path: "/healthz", intervalSeconds: 5 },
      upstreamProtocol: "h2c",
      watchPaths: ["src/**", "**/*.go"],
      dockerfile: "deploy/Dockerfile",
      regions: [
        { name: "eu-1", replicas: { min: 1, max: 4 } },
        { name: "us-1", replicas: { min: 0, max: 2 } },
      ],
    });
    await workspace.sdk.environments.updateSettings({
      ...production,
      healthcheck: null,
      autoDeploy: false,
    });

    const { data } = await workspace.sdk.environments.getEnvironment(production);
    expect(data.runtime).toMatchObject({
      port: 3000,
      vCpus: 1.5,
      memoryMib: 1024,
      storageMib: 2048,
      upstreamProtocol: "h2c",
    });
    expect(data.runtime?.healthcheck).toBeUndefined();
    expect(data.build).toMatchObject({
      dockerfile: "deploy/Dockerfile",
      watchPaths: ["src/**", "**/*.go"],
      autoDeploy: false,
    });
    expect(data.regions?.map((region) => region.name)).toEqual(["eu-1", "us-1"]);
    expect(data.updatedAt).toBeDefined();

    const preview = await workspace.sdk.environments.getEnvironment({
      ...production,
      environment: "preview",
    });
    expect(preview.data.runtime?.port).toBe(8080);
  });

  it.each([
    [{ memoryMib: 300 }, "body.memoryMib"],
    [{ vCpus: 0.3 }, "body.vCpus"],
    [{ storageMib: 10752 }, "body.storageMib"],
    [{ regions: [] }, "body.regions"],
    [{ regions: [{ name: "mars-1", replicas: { min: 1, max: 1 } }] }, "body.regions.0.name"],
    [{ regions: [{ name: "eu-1", replicas: { min: 3, max: 1 } }] }, "body.regions.0.replicas.min"],
    [{ dockerfile: "../outside/Dockerfile" }, "body.dockerfile"],
    [{ healthcheck: { method: "GET", path: "healthz" } }, "body.healthcheck.path"],
  ])("rejects %j with a 400 naming %s and changes nothing", async (settings, location) => {
    const before = await workspace.sdk.environments.getEnvironment({
      ...production,
      environment: "preview",
    });
    const response = await api.post(
      "/v2/environments.updateSettings",
      { ...production, environment: "preview", ...settings },
      workspace.rootKey,
    );
    expect(response.status).toBe(400);
    const body = await response.json();
    expect(body.error.errors.map((e: { location: string }) => e.location)).toContain(location);
    const after = await workspace.sdk.environments.getEnvironment({
      ...production,
      environment: "preview",
    });
    expect(after.data).toEqual(before.data);
  });
});

describe("environment variables", () => {
  it("stores values encrypted and never returns write-only values", async () => {
    await workspace.sdk.environments.setEnvironmentVariables({
      ...production,
      variables: [
        { key: "DATABASE_URL", value: "postgres://user:hunter2@db/prod", kind: "writeonly" },
        {
          key: "PUBLIC_NAME",
          value: "store-api",
          kind: "recoverable",
          description: "shown in the UI",
        },
        { key: "DEFAULT_KIND", value: "defaults-to-writeonly" },
      ],
    });
    for (const value of ["postgres://user:hunter2@db/prod", "store-api", "defaults-to-writeonly"])
      api.secrets.add(value);

    const listed = await workspace.sdk.environments.listEnvironmentVariables(production);
    expect(listed.data).toEqual([
      { key: "DATABASE_URL", kind: "writeonly", createdAt: expect.any(Number) },
      { key: "DEFAULT_KIND", kind: "writeonly", createdAt: expect.any(Number) },
      {
        key: "PUBLIC_NAME",
        kind: "recoverable",
        value: "store-api",
        description: "shown in the UI",
        createdAt: expect.any(Number),
      },
    ]);

    const rows = await api.database.db.select().from(environmentVariables);
    const stored = rows.find((row) => row.key === "DATABASE_URL")!;
    expect(stored.ciphertext.toString("utf8")).not.toContain("hunter2");
    expect(stored.ciphertext.toString("hex")).not.toContain(Buffer.from("hunter2").toString("hex"));
    expect(stored.keyVersion).toBe(1);
  });

  it("upserts without touching other keys, prunes on request and overwrites descriptions", async () => {
    const env = { ...production, environment: "preview" };
    await workspace.sdk.environments.setEnvironmentVariables({
      ...env,
      variables: [
        { key: "A", value: "1", kind: "recoverable", description: "first" },
        { key: "B", value: "2", kind: "recoverable" },
      ],
    });
    await workspace.sdk.environments.setEnvironmentVariables({
      ...env,
      variables: [{ key: "A", value: "10", kind: "recoverable" }],
    });
    let listed = await workspace.sdk.environments.listEnvironmentVariables(env);
    expect(listed.data.map((v) => [v.key, v.value, v.description])).toEqual([
      ["A", "10", undefined],
      ["B", "2", undefined],
    ]);

    await workspace.sdk.environments.setEnvironmentVariables({
      ...env,
      variables: [{ key: "C", value: "3", kind: "recoverable" }],
      prune: true,
    });
    listed = await workspace.sdk.environments.listEnvironmentVariables(env);
    expect(listed.data.map((v) => v.key)).toEqual(["C"]);

    await workspace.sdk.environments.setEnvironmentVariables({
      ...env,
      variables: [],
      prune: true,
    });
    listed = await workspace.sdk.environments.listEnvironmentVariables(env);
    expect(listed.data).toEqual([]);
  });

  it("rejects duplicate keys naming every conflict, and stores none of the batch", async () => {
    const env = { ...production, environment: "preview" };
    const response = await api.post(
      "/v2/environments.setEnvironmentVariables",
      {
        ...env,
        variables: [
          { key: "X", value: "secret-x-1" },
          { key: "Y", value: "y" },
          { key: "X", value: "secret-x-2" },
          { key: "Y", value: "y2" },
        ],
      },
      workspace.rootKey,
    );
    api.secrets.add("secret-x-1");
    api.secrets.add("secret-x-2");
    expect(response.status).toBe(400);
    const body = await response.json();
    expect(body.error.errors.map((e: { location: string }) => e.location)).toEqual([
      "body.variables.2.key",
      "body.variables.3.key",
    ]);
    expect(JSON.stringify(body)).not.toContain("secret-x");
    const listed = await workspace.sdk.environments.listEnvironmentVariables(env);
    expect(listed.data.map((v) => v.key)).not.toContain("X");
  });

  it("rejects keys that are not POSIX names and values over the byte limit", async () => {
    const env = { ...production, environment: "preview" };
    for (const [variables, location] of [
      [[{ key: "1ABC", value: "v" }], "body.variables.0.key"],
      [[{ key: "MY-VAR", value: "v" }], "body.variables.0.key"],
      [[{ key: "BIG", value: "é".repeat(40_000) }], "body.variables.0.value"],
    ] as const) {
      const response = await api.post(
        "/v2/environments.setEnvironmentVariables",
        { ...env, variables },
        workspace.rootKey,
      );
      expect(response.status).toBe(400);
      const body = await response.json();
      expect(body.error.errors[0].location).toBe(location);
    }
  });

  it("removes variables all-or-nothing", async () => {
    const env = { ...production, environment: "preview" };
    await workspace.sdk.environments.setEnvironmentVariables({
      ...env,
      variables: [
        { key: "KEEP", value: "k", kind: "recoverable" },
        { key: "DROP", value: "d", kind: "recoverable" },
      ],
    });
    const failure = await workspace.sdk.environments
      .removeEnvironmentVariables({ ...env, variables: ["DROP", "MISSING"] })
      .catch((error) => error);
    expect(failure).toBeInstanceOf(errors.NotFoundErrorResponse);
    expect(failure.data$.error.detail).toContain("MISSING");
    let listed = await workspace.sdk.environments.listEnvironmentVariables(env);
    expect(listed.data.map((v) => v.key)).toEqual(["DROP", "KEEP"]);

    await workspace.sdk.environments.removeEnvironmentVariables({ ...env, variables: ["DROP"] });
    listed = await workspace.sdk.environments.listEnvironmentVariables(env);
    expect(listed.data.map((v) => v.key)).toEqual(["KEEP"]);
  });

  it("pages through variables by key", async () => {
    const local = await api.newWorkspace("paging");
    await local.sdk.projects.createProject({ name: "P", slug: "p" });
    await local.sdk.apps.createApp({ project: "p", name: "A", slug: "a" });
    const env = { project: "p", app: "a", environment: "production" };
    await local.sdk.environments.setEnvironmentVariables({
      ...env,
      variables: ["E", "A", "D", "B", "C"].map((key) => ({ key, value: key.toLowerCase() })),
    });
    const first = await local.sdk.environments.listEnvironmentVariables({ ...env, limit: 2 });
    expect(first.data.map((v) => v.key)).toEqual(["A", "B"]);
    expect(first.pagination).toEqual({ hasMore: true, cursor: "B" });
    const second = await local.sdk.environments.listEnvironmentVariables({
      ...env,
      limit: 2,
      cursor: "B",
    });
    expect(second.data.map((v) => v.key)).toEqual(["C", "D"]);
    const third = await local.sdk.environments.listEnvironmentVariables({
      ...env,
      limit: 2,
      cursor: "D",
    });
    expect(third.data.map((v) => v.key)).toEqual(["E"]);
    expect(third.pagination.hasMore).toBe(false);
  });

  it("cannot open a ciphertext moved to another variable's row", async () => {
    const env = { ...production, environment: "preview" };
    await workspace.sdk.environments.setEnvironmentVariables({
      ...env,
      variables: [
        { key: "SOURCE", value: "moved-secret", kind: "recoverable" },
        { key: "TARGET", value: "t", kind: "recoverable" },
      ],
    });
    api.secrets.add("moved-secret");
    const rows = await api.database.db.select().from(environmentVariables);
    const source = rows.find((row) => row.key === "SOURCE")!;
    const target = rows.find((row) => row.key === "TARGET")!;
    await api.database.db
      .update(environmentVariables)
      .set({
        ciphertext: source.ciphertext,
        iv: source.iv,
        authTag: source.authTag,
        wrappedDataKey: source.wrappedDataKey,
      })
      .where(eq(environmentVariables.id, target.id));
    const response = await api.post(
      "/v2/environments.listEnvironmentVariables",
      env,
      workspace.rootKey,
    );
    expect(response.status).toBe(500);
    const body = await response.json();
    expect(JSON.stringify(body)).not.toContain("moved-secret");
    expect(body.error.detail).toContain(body.meta.requestId);
    await api.database.db
      .delete(environmentVariables)
      .where(eq(environmentVariables.id, target.id));
  });
});
