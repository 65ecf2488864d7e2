import { beforeAll, describe, expect, it } from "vitest";
import { deploymentLogs } from "../../src/db/schema/index.js";
import { startTestApi, type TestApi } from "../harness/api.js";
import {
  type DeploymentScope,
  insertDeployment,
  insertDeploymentScope,
  storedDeployment,
} from "../harness/deployment-rows.js";

// The page GitHub links a deployment's log to: public, opened by the deployment's own token.

let api: TestApi;
let scope: DeploymentScope;
const createdAt = new Date(Date.UTC(2026, 0, 1));
const LINES = 2500;

beforeAll(async () => {
  api = await startTestApi();
  scope = await insertDeploymentScope(api.database.db, createdAt);
});

async function deploymentWithLog() {
  const id = await insertDeployment(api.database.db, scope, { status: "failed", createdAt });
  const rows = Array.from({ length: LINES }, (_, seq) => ({
    workspaceId: scope.workspaceId,
    deploymentId: id,
    seq,
    at: new Date(createdAt.getTime() + seq),
    step: "build",
    stream: "stdout" as const,
    line: `line ${seq}`,
  }));
  for (let i = 0; i < rows.length; i += 500) {
    await api.database.db.insert(deploymentLogs).values(rows.slice(i, i + 500));
  }
  return storedDeployment(api.database.db, id);
}

const page = (deploymentId: string, token: string) =>
  fetch(`${api.url}/deployments/${deploymentId}/logs?token=${encodeURIComponent(token)}`);

describe("the public deployment log page", () => {
  it("streams every line of a long log, in order, with its own token", async () => {
    const deployment = await deploymentWithLog();
    const response = await page(deployment.id, deployment.logToken);
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    const lines = (await response.text()).trimEnd().split("\n");
    expect(lines[0]).toBe(`Deployment ${deployment.id}: failed`);
    expect(lines.slice(2)).toHaveLength(LINES);
    expect(lines.at(-1)).toMatch(/\[build\] line 2499$/);
  });

  it("answers 404 alike for a wrong token, a token of other bytes, and an unknown deployment", async () => {
    const deployment = await deploymentWithLog();
    // As many characters as the real token, but multi-byte: a byte comparison must refuse it.
    const sameLengthOtherBytes = "é".repeat(deployment.logToken.length);
    for (const response of [
      await page(deployment.id, "0".repeat(deployment.logToken.length)),
      await page(deployment.id, sameLengthOtherBytes),
      await page(deployment.id, ""),
      await page("dep_doesnotexist", deployment.logToken),
    ]) {
      expect(response.status).toBe(404);
      const body = await response.json();
      expect(body.error.status).toBe(404);
      expect(body.meta.requestId).toMatch(/^req_/);
    }
  });
});
