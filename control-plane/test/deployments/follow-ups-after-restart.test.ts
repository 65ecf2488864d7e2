import { newId } from "@slipway/shared";
import { beforeAll, describe, expect, it } from "vitest";
import { deployments } from "../../src/db/schema/index.js";
import { followUpsAfterRestart } from "../../src/deployments/current-follow-ups.js";
import { startTestApi, type TestApi } from "../harness/api.js";

let api: TestApi;
const ids: Record<string, string> = {};

beforeAll(async () => {
  api = await startTestApi();
  const workspace = await api.newWorkspace();
  await workspace.sdk.projects.createProject({ name: "Site", slug: "site" });
  const app = await workspace.sdk.apps.createApp({ project: "site", name: "Web", slug: "web" });
  const environment = await api.database.db.query.environments.findFirst();
  const now = Date.now();
  for (const [name, status, ageMs] of [
    ["deploying", "deploying", 0],
    ["recentStop", "stopped", 60_000],
    ["oldStop", "stopped", 2 * 3600_000],
    ["ready", "ready", 0],
    ["cancelled", "cancelled", 0],
    ["queued", "pending", 0],
  ] as const) {
    ids[name] = newId("deployment");
    await api.database.db.insert(deployments).values({
      id: ids[name]!,
      workspaceId: workspace.workspaceId,
      projectId: environment!.projectId,
      appId: app.data.appId,
      environmentId: environment!.id,
      status,
      trigger: "push",
      runtime: environment!.runtime,
      regions: ["eu-1"],
      createdAt: new Date(now - ageMs),
      updatedAt: new Date(now - ageMs),
    });
  }
});

describe("followUpsAfterRestart", () => {
  it("re-enqueues each waiting deployment's step and re-checks rollouts and recent stops, nothing else", async () => {
    const at = new Date();
    const { followUps, waiting, rollouts } = await followUpsAfterRestart(api.database.db, at);
    expect({ waiting, rollouts }).toEqual({ waiting: 2, rollouts: 2 });
    expect(followUps.cancellations).toEqual([]);
    expect(followUps.jobs).toHaveLength(4);
    expect(followUps.jobs).toEqual(
      expect.arrayContaining([
        { name: "deployment.build", data: { deploymentId: ids.queued } },
        { name: "deployment.deploy", data: { deploymentId: ids.deploying } },
        {
          name: "deployment.power",
          data: { deploymentId: ids.deploying, revision: `recover-${at.getTime()}` },
        },
        {
          name: "deployment.power",
          data: { deploymentId: ids.recentStop, revision: `recover-${at.getTime()}` },
        },
      ]),
    );
  });
});
