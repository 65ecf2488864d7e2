import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { deployments } from "../../src/db/schema/index.js";
import { completeRollout } from "../../src/deployments/complete-rollout.js";
import { previewHostnames } from "../../src/deployments/preview-hostnames.js";
import { createTestDatabase, type TestDatabase } from "../harness/database.js";
import {
  type DeploymentScope,
  insertDeployment,
  insertDeploymentScope,
  insertPreviewEnvironment,
  storedDeployment,
} from "../harness/deployment-rows.js";

// An idle preview still answers at its hostnames (the next request wakes it). When an older
// deployment of the same branch wakes and finishes its rollout, the branch hostname must stay
// with the newer, idle one.

const createdAt = new Date(Date.UTC(2026, 0, 1));
const previewDomain = "preview.example";
let database: TestDatabase;
let preview: DeploymentScope;

beforeAll(async () => {
  database = await createTestDatabase();
  preview = await insertPreviewEnvironment(
    database.db,
    await insertDeploymentScope(database.db, createdAt),
    createdAt,
  );
});

const namesOf = (deploymentId: string) =>
  previewHostnames({
    appId: preview.appId,
    appSlug: "storefront",
    environmentId: preview.environmentId,
    branch: "feature",
    deploymentId,
    previewDomain,
  });

describe("an older preview waking up", () => {
  it("leaves the branch hostname with the newer idle deployment of the branch", async () => {
    const older = await insertDeployment(database.db, preview, {
      status: "deploying",
      createdAt,
      gitBranch: "feature",
    });
    const newer = await insertDeployment(database.db, preview, {
      status: "idle",
      createdAt,
      gitBranch: "feature",
    });
    const newerNames = namesOf(newer);
    const held = [newerNames.branch!, newerNames.deployment];
    // The newer one holds the branch hostname, as it did when it last became ready.
    await database.db.update(deployments).set({ hostnames: held }).where(eq(deployments.id, newer));

    const won = await completeRollout(database.db, {
      deployment: {
        id: older,
        appId: preview.appId,
        environmentId: preview.environmentId,
        gitBranch: "feature",
      },
      environmentKind: "preview",
      environmentSlug: "preview",
      appSlug: "storefront",
      previewDomain,
      at: new Date(Date.UTC(2026, 0, 2)),
    });
    expect(won).toBeDefined();
    expect((await storedDeployment(database.db, older)).hostnames).toEqual([
      namesOf(older).deployment,
    ]);
    expect((await storedDeployment(database.db, newer)).hostnames).toEqual(held);
  });
});
