import { deploymentCrPath, type SlipwayDeployment } from "@slipway/shared";
import { WAKE_DEPLOYMENT_PATH } from "@slipway/shared/gateway";
import { Redis } from "ioredis";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { crNameOf } from "../../src/deploy/object-names.js";
import { runPreviewIdlePass } from "../../src/services/preview-idler.js";
import type { TestWorkspace } from "../harness/api.js";
import { startTestCluster, type TestCluster, testPreviewDomain } from "../harness/cluster.js";
import { deploymentReaches, eventually, handOffToDeploy } from "../harness/deploy-fixtures.js";
import {
  forkPullRequestPayload,
  startTestPipelineWithApp,
  type TestPipeline,
} from "../harness/pipeline.js";
import { expectPreconditionFailed } from "./lifecycle-errors.js";

const sentinelToken = "preview-rollout-sentinel-token-0123456789";
let cluster: TestCluster;
let pipeline: TestPipeline;
let workspace: TestWorkspace;
const ids: Record<string, string> = {};

const handOff = (branch: string, pullRequestNumber?: number) =>
  handOffToDeploy(pipeline.api.database.db, pipeline.jobs, {
    workspaceId: workspace.workspaceId,
    project: "docs",
    app: "web",
    environment: "preview",
    image: "registry.invalid/docs/web@sha256:1111",
    branch,
    ...(pullRequestNumber ? { pullRequestNumber } : {}),
  });
const get = async (id: string) =>
  (await workspace.sdk.deployments.getDeployment({ deploymentId: id })).data;
const readCr = (id: string) =>
  cluster.kube.get<SlipwayDeployment>(deploymentCrPath(cluster.namespace, crNameOf(id)));
const crPhase = (id: string, phase: string, desiredState: string) =>
  eventually(`${id} to be ${phase}`, async () => {
    const cr = await readCr(id);
    return cr.spec.desiredState === desiredState &&
      cr.status?.phase === phase &&
      (cr.status.observedGeneration ?? 0) >= (cr.metadata.generation ?? 0)
      ? cr
      : undefined;
  });
const hostOf = (id: string) =>
  `web-${id.slice(4).toLowerCase()}.${testPreviewDomain.replaceAll(".", "\\.")}`;
const branchHost = /^web-git-feature-login-[0-9a-f]{8}\.preview\.slipway\.test$/;

beforeAll(async () => {
  cluster = await startTestCluster();
  ({ pipeline, workspace } = await startTestPipelineWithApp("docs", {
    workerQueues: ["github", "deployments"],
    deploy: cluster.deployTarget,
    apiEnv: { SLIPWAY_SENTINEL_TOKEN: sentinelToken },
  }));
});

describe("the deploy step on a preview", () => {
  it("gives a ready preview a per-branch and a per-deployment hostname", async () => {
    ids.first = await handOff("feature/login");
    const ready = await deploymentReaches(workspace.sdk, ids.first, ["ready", "failed"]);
    expect(ready).toMatchObject({ status: "ready", isCurrent: false, availableActions: ["stop"] });
    expect(ready.domains).toHaveLength(2);
    expect(ready.domains![0]).toMatch(branchHost);
    expect(ready.domains![1]).toMatch(new RegExp(`^${hostOf(ids.first)}$`));
    expect((await readCr(ids.first)).spec.environmentSlug).toBe("preview");
  });

  it("moves the branch hostname to the next ready deployment of the branch", async () => {
    const branchName = (await get(ids.first!)).domains![0]!;
    ids.second = await handOff("feature/login");
    const second = await deploymentReaches(workspace.sdk, ids.second, ["ready", "failed"]);
    expect(second.domains).toEqual([branchName, expect.stringMatching(hostOf(ids.second))]);
    expect((await get(ids.first!)).domains).toEqual([expect.stringMatching(hostOf(ids.first!))]);
  });

  it("stops a preview: status stopped at once, its CR idle with no instances", async () => {
    await workspace.sdk.deployments.stopDeployment({ deploymentId: ids.second! });
    const stopped = await get(ids.second!);
    expect(stopped).toMatchObject({ status: "stopped", availableActions: ["start"] });
    // Not reachable while stopped.
    expect(stopped.domains).toBeUndefined();
    const cr = await crPhase(ids.second!, "Idle", "idle");
    expect(cr.status?.readyReplicas).toBe(0);
    await expectPreconditionFailed(
      workspace.sdk.deployments.stopDeployment({ deploymentId: ids.second! }),
      /is stopped; only a ready or idle deployment can be stopped/,
    );
    await expectPreconditionFailed(
      workspace.sdk.deployments.startDeployment({ deploymentId: ids.first! }),
      /is ready; only a stopped deployment can be started/,
    );
  });

  it("starts it again: back to ready with its hostnames, its CR running", async () => {
    const branchName = (await get(ids.first!)).domains;
    await workspace.sdk.deployments.startDeployment({ deploymentId: ids.second! });
    const ready = await deploymentReaches(workspace.sdk, ids.second!, ["ready", "failed"]);
    expect(ready.status).toBe("ready");
    expect(ready.domains).toHaveLength(2);
    expect(ready.domains![0]).toMatch(branchHost);
    expect((await get(ids.first!)).domains).toEqual(branchName);
    await crPhase(ids.second!, "Ready", "running");
  });

  it("stops the previews of a pull request when it is closed", async () => {
    ids.pr = await handOff("pr-7", 7);
    await deploymentReaches(workspace.sdk, ids.pr, ["ready", "failed"]);
    const deliveryId = crypto.randomUUID();
    const payload = forkPullRequestPayload({ number: 7, author: "octocat", action: "closed" });
    expect((await pipeline.deliver("pull_request", payload, { deliveryId })).status).toBe(202);
    await pipeline.processed(deliveryId);
    expect((await get(ids.pr)).status).toBe("stopped");
    await crPhase(ids.pr, "Idle", "idle");
    // The other branch's previews keep running.
    expect((await get(ids.second!)).status).toBe("ready");
  });

  it("idles previews nobody requested (CR scaled to zero) and wakes one when Sentinel asks", async () => {
    const hour = 3_600_000;
    const redis = new Redis(inject("redisUrl"), { maxRetriesPerRequest: 1 });
    try {
      const idled = await runPreviewIdlePass({
        db: pipeline.api.database.db,
        redis,
        redisPrefix: `${pipeline.api.config.SLIPWAY_QUEUE_PREFIX}:`,
        jobs: pipeline.jobs,
        clock: () => new Date(Date.now() + 2 * hour),
        idleAfterMs: hour,
      });
      expect(idled).toEqual(expect.arrayContaining([ids.first, ids.second]));
    } finally {
      redis.disconnect();
    }
    expect((await crPhase(ids.second!, "Idle", "idle")).status?.readyReplicas).toBe(0);
    const shown = await (
      await pipeline.api.post(
        "/v2/deployments.getDeployment",
        { deploymentId: ids.second },
        workspace.rootKey,
      )
    ).json();
    expect(shown.data).toMatchObject({ status: "ready", idle: true });
    expect(shown.data.domains[0]).toMatch(branchHost);

    const woken = await fetch(`${pipeline.api.url}${WAKE_DEPLOYMENT_PATH}`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${sentinelToken}` },
      body: JSON.stringify({ deploymentId: ids.second }),
    });
    expect((await woken.json()).data).toEqual({ state: "waking" });
    const ready = await deploymentReaches(workspace.sdk, ids.second!, ["ready", "failed"]);
    expect(ready.status).toBe("ready");
    expect(ready.domains![0]).toMatch(branchHost);
    await crPhase(ids.second!, "Ready", "running");
    const raw = await (
      await pipeline.api.post(
        "/v2/deployments.getDeployment",
        { deploymentId: ids.second },
        workspace.rootKey,
      )
    ).json();
    expect(raw.data.idle).toBeUndefined();
    // The other idle preview stays idle: only a request wakes it.
    expect((await crPhase(ids.first!, "Idle", "idle")).spec.desiredState).toBe("idle");
  });
});
