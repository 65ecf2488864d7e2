import { randomUUID } from "node:crypto";
import type { DeploymentStatus } from "@slipway/shared";
import { eq } from "drizzle-orm";
import { expect } from "vitest";
import { deployments } from "../../src/db/schema/index.js";
import {
  type LifecycleEvent,
  lifecycleTransitions,
} from "../../src/deployments/lifecycle-table.js";
import { type DeploymentPatch, transitionDeployment } from "../../src/deployments/transition.js";
import { githubApiFromConfig } from "../../src/github/github-api.js";
import {
  type ReportDependencies,
  reportDeploymentToGitHub,
} from "../../src/github-reporting/report-to-github.js";
import type { Payload, TestPipeline } from "../harness/pipeline.js";

/** Slipway's public address in these tests, so log links can be checked. */
export const publicUrl = "https://slipway.example.com";

/** Polls until `read` gives a value (the worker runs jobs in the background). */
export async function eventually<T>(
  read: () => Promise<T | undefined> | T | undefined,
  what: string,
): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Drives reporting the way the build and deploy steps do: a status change through the lifecycle
 * core, then its `github.report` follow-up runs the real handler at once (inline, so a test
 * reads GitHub's state right after). Only changes the lifecycle table allows can be made.
 */
export function reporting(pipeline: TestPipeline) {
  const db = pipeline.api.database.db;
  const deps: ReportDependencies = {
    db,
    github: githubApiFromConfig(pipeline.api.config),
    jobs: {
      async enqueue(job) {
        if (job.name === "github.report")
          await reportDeploymentToGitHub(deps, job.data.deploymentId);
      },
    },
    clock: () => new Date(),
    log: pipeline.api.app.log,
    publicUrl,
  };
  return {
    deps,
    /** Runs the `github.report` job of a deployment, as a retry or a late job would. */
    report: (deploymentId: string) => reportDeploymentToGitHub(deps, deploymentId),
    async move(
      deploymentId: string,
      from: DeploymentStatus,
      to: DeploymentStatus,
      patch?: DeploymentPatch,
    ) {
      const event = (Object.keys(lifecycleTransitions) as LifecycleEvent[]).find((name) => {
        const transition = lifecycleTransitions[name];
        return transition.to === to && (transition.from as readonly string[]).includes(from);
      });
      if (!event) throw new Error(`the lifecycle has no change from ${from} to ${to}`);
      const moved = await transitionDeployment(db, {
        id: deploymentId,
        event,
        from: [from],
        at: new Date(),
        by: { actor: { type: "system", id: "test" } },
        ...(patch ? { patch } : {}),
      });
      expect(moved, `${deploymentId} moves from ${from} to ${to}`).toBeDefined();
      for (const job of moved?.followUps.jobs ?? []) {
        if (job.name === "github.report") await deps.jobs.enqueue(job);
      }
    },
    /** What the deploy step records when a preview becomes reachable. */
    async setHostnames(deploymentId: string, hostnames: string[]) {
      await db.update(deployments).set({ hostnames }).where(eq(deployments.id, deploymentId));
    },
    async deploymentOf(sha: string) {
      return await eventually(async () => {
        const [row] = await db.select().from(deployments).where(eq(deployments.gitCommitSha, sha));
        return row;
      }, `the deployment of ${sha}`);
    },
    async deliver(event: string, payload: Payload) {
      const deliveryId = randomUUID();
      expect((await pipeline.deliver(event, payload, { deliveryId })).status).toBe(202);
      await pipeline.processed(deliveryId);
    },
  };
}

/** A 40-character commit SHA of its own for each test. */
export const newSha = () => randomUUID().replaceAll("-", "").padEnd(40, "0").slice(0, 40);
