import { Unkey } from "@unkey/api";
import * as errors from "@unkey/api/models/errors";
import { beforeAll, describe, expect, it } from "vitest";
import { addRootKey } from "../../src/services/workspaces.js";
import { startTestApi, type TestApi, type TestWorkspace } from "../harness/api.js";

let api: TestApi;
let admin: TestWorkspace;
const ids = { alpha: "", beta: "", alphaProduction: "", alphaPreview: "" };

beforeAll(async () => {
  api = await startTestApi();
  admin = await api.newWorkspace();
  ids.alpha = (await admin.sdk.projects.createProject({ name: "Alpha", slug: "alpha" })).data.id;
  ids.beta = (await admin.sdk.projects.createProject({ name: "Beta", slug: "beta" })).data.id;
  await admin.sdk.apps.createApp({ project: "alpha", name: "Web", slug: "web" });
  const environments = await admin.sdk.environments.listEnvironments({
    project: "alpha",
    app: "web",
  });
  ids.alphaProduction = environments.data.find((e) => e.slug === "production")!.id;
  ids.alphaPreview = environments.data.find((e) => e.slug === "preview")!.id;
});

/** A second key of the same workspace, holding only `permissions`. */
async function keyWith(permissions: string[]): Promise<Unkey> {
  const { rootKey } = await addRootKey(api.database.db, {
    workspaceId: admin.workspaceId,
    keyName: "scoped",
    permissions,
  });
  api.secrets.add(rootKey);
  return new Unkey({ rootKey, serverURL: api.url, retryConfig: { strategy: "none" } });
}

describe("permissions scoped to one object, as Unkey's root keys have them", () => {
  it("lets a key granted one project read that project and no other", async () => {
    const sdk = await keyWith([`project.${ids.alpha}.read_project`]);
    expect((await sdk.projects.getProject({ project: "alpha" })).data.id).toBe(ids.alpha);
    await expect(sdk.projects.getProject({ project: "beta" })).rejects.toBeInstanceOf(
      errors.ForbiddenErrorResponse,
    );
    // Listing needs the wildcard grant.
    await expect(sdk.projects.listProjects({})).rejects.toBeInstanceOf(
      errors.ForbiddenErrorResponse,
    );
    // Reading is not updating.
    await expect(
      sdk.projects.updateProject({ project: "alpha", name: "x" }),
    ).rejects.toBeInstanceOf(errors.ForbiddenErrorResponse);
    expect((await admin.sdk.projects.getProject({ project: "alpha" })).data.name).toBe("Alpha");
  });

  it("lets a key granted one environment's variables write them there and nowhere else", async () => {
    const sdk = await keyWith([
      `environment.${ids.alphaPreview}.set_environment_variables`,
      `environment.${ids.alphaPreview}.read_environment_variables`,
    ]);
    const preview = { project: "alpha", app: "web", environment: "preview" };
    await sdk.environments.setEnvironmentVariables({
      ...preview,
      variables: [{ key: "SCOPED", value: "ok", kind: "recoverable" }],
    });
    expect(
      (await sdk.environments.listEnvironmentVariables(preview)).data.map((v) => v.key),
    ).toEqual(["SCOPED"]);

    const production = { ...preview, environment: "production" };
    const failure = await sdk.environments
      .setEnvironmentVariables({ ...production, variables: [{ key: "SCOPED", value: "no" }] })
      .catch((error) => error);
    expect(failure).toBeInstanceOf(errors.ForbiddenErrorResponse);
    expect(failure.data$.error.detail).toContain("set_environment_variables");
    expect((await admin.sdk.environments.listEnvironmentVariables(production)).data).toEqual([]);
  });

  it("accepts wildcard grants for every object of a resource", async () => {
    const sdk = await keyWith(["project.*.read_project", "environment.*.read_environment"]);
    expect((await sdk.projects.listProjects({})).result.data).toHaveLength(2);
    expect(
      (
        await sdk.environments.getEnvironment({
          project: "alpha",
          app: "web",
          environment: "production",
        })
      ).data.id,
    ).toBe(ids.alphaProduction);
    await expect(sdk.apps.getApp({ project: "alpha", app: "web" })).rejects.toBeInstanceOf(
      errors.ForbiddenErrorResponse,
    );
  });
});
