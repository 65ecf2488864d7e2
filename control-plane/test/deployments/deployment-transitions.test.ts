import { type DeploymentStatus, newId } from "@slipway/shared";
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { deploymentSteps } from "../../src/db/schema/index.js";
import { finishDeploymentStep, startDeploymentStep } from "../../src/deployments/steps.js";
import { transitionDeployment } from "../../src/deployments/transition.js";
import { createTestDatabase, type TestDatabase } from "../harness/database.js";
import {
  type DeploymentScope,
  insertDeploymentScope,
  insertDeployment as insertRow,
  storedDeployment as storedRow,
} from "../harness/deployment-rows.js";

// Two workers (a build job and a cancel request, a retried job and its original) must never both
// win a state change; these run on separate pooled connections, so the races are real.

let database: TestDatabase;
const by = { actor: { type: "system" as const, id: "test" } };
let scope: DeploymentScope;
const createdAt = new Date(Date.UTC(2026, 0, 1));

beforeAll(async () => {
  database = await createTestDatabase();
  scope = await insertDeploymentScope(database.db, createdAt);
});

const insertDeployment = (status: DeploymentStatus = "pending") =>
  insertRow(database.db, scope, { status, createdAt });

const storedDeployment = (id: string) => storedRow(database.db, id);

async function storedSteps(deploymentId: string) {
  return database.db
    .select()
    .from(deploymentSteps)
    .where(eq(deploymentSteps.deploymentId, deploymentId));
}

describe("transitionDeployment", () => {
  it("lets exactly one of two concurrent transitions out of 'pending' win", async () => {
    for (let round = 0; round < 20; round++) {
      const id = await insertDeployment();
      const at = new Date(createdAt.getTime() + 1000);
      const [building, cancelled] = await Promise.all([
        transitionDeployment(database.db, { id, event: "startBuild", at }),
        // Narrowed to `pending`: a cancel may also stop a build, which would be a second move.
        transitionDeployment(database.db, { id, event: "cancel", from: ["pending"], at, by }),
      ]);
      const winners = [building, cancelled].filter((moved) => moved !== undefined);
      expect(winners, `round ${round}`).toHaveLength(1);
      const stored = await storedDeployment(id);
      expect(stored.status).toBe(winners[0]!.row.status);
      expect(stored.updatedAt).toEqual(at);
    }
  });

  it("returns the moved row with its patch applied", async () => {
    const id = await insertDeployment("building");
    const at = new Date(createdAt.getTime() + 5000);
    const moved = await transitionDeployment(database.db, {
      id,
      event: "failBuild",
      at,
      patch: { errorCode: "build_failed", errorStep: "build", errorMessage: "exit 1" },
    });
    expect(moved?.row).toMatchObject({
      id,
      status: "failed",
      errorCode: "build_failed",
      updatedAt: at,
    });
    expect(await storedDeployment(id)).toEqual(moved?.row);
  });

  it("changes nothing when the deployment is not in an expected status", async () => {
    const id = await insertDeployment("ready");
    const before = await storedDeployment(id);
    const moved = await transitionDeployment(database.db, {
      id,
      event: "failBuild",
      at: new Date(createdAt.getTime() + 1000),
      patch: { errorCode: "unknown", errorMessage: "late failure" },
    });
    expect(moved).toBeUndefined();
    expect(await storedDeployment(id)).toEqual(before);
  });

  it("does not move a deployment that a first transition already moved on", async () => {
    const id = await insertDeployment();
    const at = new Date(createdAt.getTime() + 1000);
    expect(await transitionDeployment(database.db, { id, event: "cancel", at, by })).toBeDefined();
    // A build job picked up from the queue after the cancel must not resurrect it.
    expect(
      await transitionDeployment(database.db, { id, event: "startBuild", at }),
    ).toBeUndefined();
    expect((await storedDeployment(id)).status).toBe("cancelled");
  });

  it("returns undefined for a deployment that does not exist", async () => {
    expect(
      await transitionDeployment(database.db, {
        id: newId("deployment"),
        event: "startBuild",
        at: createdAt,
      }),
    ).toBeUndefined();
  });
});

describe("deployment steps", () => {
  const t = (seconds: number) => new Date(createdAt.getTime() + seconds * 1000);

  it("keeps the first start time when a retried job opens the step again", async () => {
    const deploymentId = await insertDeployment("building");
    const step = { workspaceId: scope.workspaceId, deploymentId, name: "build" };
    await startDeploymentStep(database.db, { ...step, at: t(10) });
    await startDeploymentStep(database.db, { ...step, at: t(20) });
    const steps = await storedSteps(deploymentId);
    expect(steps).toHaveLength(1);
    expect(steps[0]).toMatchObject({
      name: "build",
      status: "running",
      startedAt: t(10),
      finishedAt: null,
    });
  });

  it("keeps one row when two workers open the same step at once", async () => {
    const deploymentId = await insertDeployment("building");
    const step = { workspaceId: scope.workspaceId, deploymentId, name: "deploy" };
    await Promise.all([
      startDeploymentStep(database.db, { ...step, at: t(10) }),
      startDeploymentStep(database.db, { ...step, at: t(11) }),
    ]);
    expect(await storedSteps(deploymentId)).toHaveLength(1);
  });

  it("keeps the first error: a second finish is refused and changes nothing", async () => {
    const deploymentId = await insertDeployment("building");
    await startDeploymentStep(database.db, {
      workspaceId: scope.workspaceId,
      deploymentId,
      name: "build",
      at: t(10),
    });

    expect(
      await finishDeploymentStep(database.db, {
        deploymentId,
        name: "build",
        status: "failed",
        at: t(30),
        errorMessage: "first",
      }),
    ).toBe(true);
    // The cleanup that runs after the failure reports its own error; the cause must stay visible.
    expect(
      await finishDeploymentStep(database.db, {
        deploymentId,
        name: "build",
        status: "cancelled",
        at: t(40),
        errorMessage: "second",
      }),
    ).toBe(false);
    // A retried job opens and finishes the step again: still nothing changes.
    await startDeploymentStep(database.db, {
      workspaceId: scope.workspaceId,
      deploymentId,
      name: "build",
      at: t(50),
    });
    expect(
      await finishDeploymentStep(database.db, {
        deploymentId,
        name: "build",
        status: "succeeded",
        at: t(60),
      }),
    ).toBe(false);

    const [step] = await storedSteps(deploymentId);
    expect(step).toMatchObject({
      status: "failed",
      startedAt: t(10),
      finishedAt: t(30),
      errorMessage: "first",
    });
  });

  it("keeps the first error even when a re-opened step is finished with another one", async () => {
    const deploymentId = await insertDeployment("building");
    await startDeploymentStep(database.db, {
      workspaceId: scope.workspaceId,
      deploymentId,
      name: "build",
      at: t(10),
    });
    await finishDeploymentStep(database.db, {
      deploymentId,
      name: "build",
      status: "failed",
      at: t(30),
      errorMessage: "first",
    });
    // An operator re-runs the step by clearing its end; the message that explains the original
    // failure must survive the second run's error.
    await database.db
      .update(deploymentSteps)
      .set({ status: "running", finishedAt: null })
      .where(eq(deploymentSteps.deploymentId, deploymentId));
    expect(
      await finishDeploymentStep(database.db, {
        deploymentId,
        name: "build",
        status: "failed",
        at: t(70),
        errorMessage: "second",
      }),
    ).toBe(true);
    const [step] = await storedSteps(deploymentId);
    expect(step).toMatchObject({ status: "failed", finishedAt: t(70), errorMessage: "first" });
  });

  it("lets exactly one of two concurrent finishes win, and its message is the one kept", async () => {
    for (let round = 0; round < 10; round++) {
      const deploymentId = await insertDeployment("building");
      await startDeploymentStep(database.db, {
        workspaceId: scope.workspaceId,
        deploymentId,
        name: "build",
        at: t(10),
      });
      const results = await Promise.all(
        ["worker-a", "worker-b"].map((errorMessage) =>
          finishDeploymentStep(database.db, {
            deploymentId,
            name: "build",
            status: "failed",
            at: t(20),
            errorMessage,
          }),
        ),
      );
      expect(results.filter(Boolean), `round ${round}`).toHaveLength(1);
      const [step] = await storedSteps(deploymentId);
      expect(step?.errorMessage).toBe(results[0] ? "worker-a" : "worker-b");
    }
  });

  it("finishes a successful step without an error and refuses to finish a step never opened", async () => {
    const deploymentId = await insertDeployment("building");
    await startDeploymentStep(database.db, {
      workspaceId: scope.workspaceId,
      deploymentId,
      name: "queue",
      at: t(1),
    });
    expect(
      await finishDeploymentStep(database.db, {
        deploymentId,
        name: "queue",
        status: "succeeded",
        at: t(2),
      }),
    ).toBe(true);
    expect(await storedSteps(deploymentId)).toEqual([
      expect.objectContaining({
        name: "queue",
        status: "succeeded",
        finishedAt: t(2),
        errorMessage: null,
      }),
    ]);
    expect(
      await finishDeploymentStep(database.db, {
        deploymentId,
        name: "build",
        status: "failed",
        at: t(3),
      }),
    ).toBe(false);
    expect(await storedSteps(deploymentId)).toHaveLength(1);
  });
});
