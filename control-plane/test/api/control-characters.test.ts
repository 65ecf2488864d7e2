import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { deployments } from "../../src/db/schema/index.js";
import type { TestWorkspace } from "../harness/api.js";
import { examplePush, startTestPipelineWithApp, type TestPipeline } from "../harness/pipeline.js";

// A NUL (or another control character) anywhere a client can put a string is a 400 that names
// where it is, never a 500 from PostgreSQL, on every route the API has.

let pipeline: TestPipeline;
let workspace: TestWorkspace;

beforeAll(async () => {
  ({ pipeline, workspace } = await startTestPipelineWithApp("controls"));
});

interface OpenApiDocument {
  paths: Record<
    string,
    { post?: { requestBody?: { content?: Record<string, { schema?: { properties?: object } }> } } }
  >;
}

describe("control characters", () => {
  it("are refused with a 400 naming the field, in every field of every operation", async () => {
    const document = (await (
      await fetch(`${pipeline.api.url}/openapi.json`)
    ).json()) as OpenApiDocument;
    const cases = Object.entries(document.paths).flatMap(([path, item]) => {
      const properties = item.post?.requestBody?.content?.["application/json"]?.schema?.properties;
      return Object.keys(properties ?? {}).map((field) => ({ path, field }));
    });
    expect(cases.length).toBeGreaterThan(40);
    for (const { path, field } of cases) {
      for (const value of ["a\u0000b", "tab\tok but bell\u0007"]) {
        const response = await pipeline.api.post(path, { [field]: value }, workspace.rootKey);
        expect(response.status, `${path} ${field}`).toBe(400);
        const body = await response.json();
        expect(body.error.errors?.[0]?.location, `${path} ${field}`).toBe(`body.${field}`);
        expect(body.meta.requestId).toMatch(/^req_/);
      }
    }
    // Nested, and in the query string of the upload route.
    const nested = await pipeline.api.post(
      "/v2/environments.setEnvironmentVariables",
      {
        project: "controls",
        app: "web",
        environment: "preview",
        variables: [{ key: "A", value: "x\u0000" }],
      },
      workspace.rootKey,
    );
    expect((await nested.json()).error.errors[0].location).toBe("body.variables[0].value");
    const upload = await fetch(
      `${pipeline.api.url}/v2/deployments.createDeploymentFromSource?project=controls%00&app=web&environment=preview`,
      {
        method: "POST",
        headers: {
          authorization: `Bearer ${workspace.rootKey}`,
          "content-type": "application/gzip",
        },
        body: Buffer.from([0x1f, 0x8b]),
      },
    );
    expect(upload.status).toBe(400);
  });

  it("keep a line break in an environment variable's value", async () => {
    const response = await pipeline.api.post(
      "/v2/environments.setEnvironmentVariables",
      {
        project: "controls",
        app: "web",
        environment: "preview",
        variables: [{ key: "PEM", value: "-----BEGIN KEY-----\r\nabc\n-----END KEY-----\n" }],
      },
      workspace.rootKey,
    );
    expect(response.status).toBe(200);
  });

  it("are taken out of a signed webhook payload, which is stored and deploys", async () => {
    const payload = examplePush({ after: "1".repeat(40), branch: "nul-message" });
    payload.head_commit.message = "fix\u0000 the thing";
    const deliveryId = randomUUID();
    expect((await pipeline.deliver("push", payload, { deliveryId })).status).toBe(202);
    await pipeline.processed(deliveryId);
    const [row] = await pipeline.api.database.db
      .select()
      .from(deployments)
      .where(eq(deployments.gitCommitSha, payload.after));
    expect(row?.gitCommitMessage).toBe("fix the thing");
  });
});
