import type { DeploymentErrorCode, DesiredState, SlipwayDeployment } from "@slipway/shared";
import { eq } from "drizzle-orm";
import { decryptEnvironmentVariables } from "../crypto/decrypt-environment.js";
import type { Database } from "../db/client.js";
import { apps, deployments, environments } from "../db/schema/index.js";
import { completeRollout, DEPLOY_STEP, failRollout } from "../deployments/complete-rollout.js";
import { followUpsOfDeployments } from "../deployments/current-follow-ups.js";
import { enqueueFollowUps } from "../deployments/enqueue-follow-ups.js";
import { finishDeploymentStep, startDeploymentStep } from "../deployments/steps.js";
import type { JobContext } from "../jobs/job-context.js";
import { PermanentJobError, RetryLaterError } from "../jobs/job-types.js";
import {
  applyDeploymentCr,
  applyEnvSecret,
  deleteDeploymentCr,
  ensureNamespace,
  RolloutRejectedError,
  readDeploymentCr,
  waitForRollout,
} from "./cluster-rollout.js";
import type { DeployTarget } from "./deploy-target.js";
import { makeDeploymentCr, makeEnvSecret } from "./make-deployment-cr.js";
import { crNameOf, ENV_SECRET_ANNOTATION, ENV_SECRET_APPLIED } from "./object-names.js";
import { classifyTimeout } from "./rollout-outcome.js";

export interface DeployStepDependencies {
  /** The cluster deployments roll out to; without one, a deployment fails saying so. */
  deploy?: DeployTarget | undefined;
}

type Deps = JobContext & DeployStepDependencies;

async function loadRollout(db: Database, deploymentId: string) {
  const [row] = await db
    .select({ deployment: deployments, environment: environments, app: apps })
    .from(deployments)
    .innerJoin(environments, eq(environments.id, deployments.environmentId))
    .innerJoin(apps, eq(apps.id, deployments.appId))
    .where(eq(deployments.id, deploymentId));
  return row;
}
type Rollout = NonNullable<Awaited<ReturnType<typeof loadRollout>>>;

const crOf = (
  rollout: Rollout,
  image: string,
  target: DeployTarget,
  desiredState: DesiredState,
  envSecretApplied: boolean,
) =>
  makeDeploymentCr({
    deployment: { ...rollout.deployment, image },
    environment: rollout.environment,
    namespace: target.namespace,
    desiredState,
    envSecretApplied,
  });

const secretApplied = (cr: SlipwayDeployment | undefined) =>
  cr?.metadata.annotations?.[ENV_SECRET_ANNOTATION] === ENV_SECRET_APPLIED;

/**
 * The Secret first (the pods must find it), then the CR, then the Secret again with the CR as
 * its owner, then the CR marked so. A CR so marked (a retried job, `startDeployment`) keeps its
 * Secret untouched: the deployment runs with the values it was first rolled out with.
 */
async function applyObjects(deps: Deps, target: DeployTarget, rollout: Rollout, image: string) {
  const { deployment } = rollout;
  const name = crNameOf(deployment.id);
  const existingCr = await readDeploymentCr(target.kube, target.namespace, name);
  await ensureNamespace(target.kube, target.namespace);
  if (secretApplied(existingCr)) {
    await applyDeploymentCr(target.kube, crOf(rollout, image, target, "running", true));
    return;
  }
  const variables = await decryptEnvironmentVariables(
    deps.db,
    target.cipher,
    deployment.environmentId,
  );
  const secretOf = (owner?: { name: string; uid: string }) =>
    makeEnvSecret({ deploymentId: deployment.id, namespace: target.namespace, variables, owner });
  if (!existingCr) await applyEnvSecret(target.kube, secretOf());
  const stored = await applyDeploymentCr(
    target.kube,
    crOf(rollout, image, target, "running", false),
  );
  await applyEnvSecret(target.kube, secretOf({ name, uid: stored.metadata.uid! }));
  await applyDeploymentCr(target.kube, crOf(rollout, image, target, "running", true));
}

/** Stopped by a person, or idle for want of requests: either way the CR holds no instances. */
const isScaledDown = (status: string) => status === "stopped" || status === "idle";

/** A stopped deployment's CR goes idle (zero instances); its Secret and config stay for a start. */
async function powerDown(target: DeployTarget, rollout: Rollout) {
  const name = crNameOf(rollout.deployment.id);
  const existing = await readDeploymentCr(target.kube, target.namespace, name);
  if (!existing || !rollout.deployment.image) return;
  await applyDeploymentCr(
    target.kube,
    crOf(rollout, rollout.deployment.image, target, "idle", secretApplied(existing)),
  );
}

async function fail(deps: Deps, deploymentId: string, code: DeploymentErrorCode, message: string) {
  const followUps = await failRollout(deps.db, { deploymentId, code, message, at: deps.clock() });
  if (followUps) {
    deps.log.warn({ deploymentId, code }, "deployment failed in the deploy step");
    await enqueueFollowUps(deps.jobs, followUps);
  }
}

/** After the CAS lost: whoever moved the deployment decides; a stop still needs the CR idle. */
async function settle(deps: Deps, target: DeployTarget, deploymentId: string) {
  const now = await loadRollout(deps.db, deploymentId);
  if (!now || !isScaledDown(now.deployment.status)) return;
  await powerDown(target, now);
  // Stopped mid-rollout (its pull request closed): the step ends without a verdict.
  await finishDeploymentStep(deps.db, {
    deploymentId,
    name: DEPLOY_STEP,
    status: "cancelled",
    at: deps.clock(),
  });
}

/** Longest a job waits in one run; then it goes back to the queue, freeing its worker slot. */
const DEFAULT_WAIT_SLICE_MS = 30_000;

async function rollOut(deps: Deps, target: DeployTarget, rollout: Rollout, image: string) {
  const { deployment } = rollout;
  await applyObjects(deps, target, rollout, image);
  const name = crNameOf(deployment.id);
  // The deadline counts from when the deployment entered `deploying` (a hand-off or a start),
  // so it holds across runs of the job and restarts of the worker.
  const now = () => deps.clock().getTime();
  const deadline = (deployment.updatedAt ?? deployment.createdAt).getTime() + target.readyTimeoutMs;
  const slice = Math.min(
    Math.max(0, deadline - now()),
    target.waitSliceMs ?? DEFAULT_WAIT_SLICE_MS,
  );
  const result = await waitForRollout({
    kube: target.kube,
    namespace: target.namespace,
    name,
    timeoutMs: slice,
    now,
    pollIntervalMs: target.pollIntervalMs,
    sleep: target.sleep,
    interrupted: async () => {
      const [row] = await deps.db
        .select({ status: deployments.status })
        .from(deployments)
        .where(eq(deployments.id, deployment.id));
      return row?.status !== "deploying";
    },
  });
  switch (result.kind) {
    case "ready": {
      const won = await completeRollout(deps.db, {
        deployment,
        environmentKind: rollout.environment.kind,
        environmentSlug: rollout.environment.slug,
        appSlug: rollout.app.slug,
        previewDomain: target.previewDomain,
        at: deps.clock(),
      });
      if (won) {
        deps.log.info({ deploymentId: deployment.id }, "deployment is ready");
        await enqueueFollowUps(deps.jobs, won);
      } else await settle(deps, target, deployment.id);
      return;
    }
    case "failed":
      // A failed deployment holds no instances; the CR's owner references take the rest.
      await deleteDeploymentCr(target.kube, target.namespace, name);
      await fail(deps, deployment.id, result.code, result.message);
      return;
    case "timeout": {
      if (now() < deadline) {
        throw new RetryLaterError(target.pollIntervalMs, `rollout of ${deployment.id} in progress`);
      }
      const cr = await readDeploymentCr(target.kube, target.namespace, name);
      const why = classifyTimeout(cr, target.readyTimeoutMs, result.detail);
      await deleteDeploymentCr(target.kube, target.namespace, name);
      await fail(deps, deployment.id, why.code, why.message);
      return;
    }
    case "idle":
    case "interrupted":
      await settle(deps, target, deployment.id);
      return;
  }
}

/**
 * The `deployment.deploy` job (and `deployment.power`): level-triggered on the deployment's
 * status, so a retry after a crash at any point converges. `deploying` rolls the image out and
 * waits for Ready; `stopped` and `idle` make the CR idle; `ready` only re-reports; anything else
 * (cancelled, superseded, failed) is left alone and never resurrected.
 */
export async function runDeployJob(
  deps: Deps,
  deploymentId: string,
  run?: { isLastAttempt: boolean },
): Promise<void> {
  const rollout = await loadRollout(deps.db, deploymentId);
  if (!rollout) throw new PermanentJobError(`deployment ${deploymentId} does not exist`);
  const { deployment } = rollout;
  const target = deps.deploy;
  if (deployment.status === "ready") {
    // A re-run after a crash between "ready" and its report: the report is sent again.
    return enqueueFollowUps(deps.jobs, await followUpsOfDeployments(deps.db, [deploymentId]));
  }
  if (isScaledDown(deployment.status)) {
    if (target) await powerDown(target, rollout);
    return;
  }
  if (deployment.status !== "deploying") return;
  await startDeploymentStep(deps.db, {
    workspaceId: deployment.workspaceId,
    deploymentId,
    name: DEPLOY_STEP,
    at: deps.clock(),
  });
  if (!target) {
    return fail(
      deps,
      deploymentId,
      "unknown",
      "No Kubernetes cluster is configured: set KUBECONFIG, or run the control plane in a cluster.",
    );
  }
  if (!deployment.image) {
    return fail(deps, deploymentId, "unknown", "The deployment has no image to roll out.");
  }
  try {
    await rollOut(deps, target, rollout, deployment.image);
  } catch (error) {
    if (error instanceof RetryLaterError) throw error;
    if (error instanceof RolloutRejectedError) {
      await deleteDeploymentCr(target.kube, target.namespace, crNameOf(deploymentId));
      return fail(
        deps,
        deploymentId,
        "invalid_runtime_settings",
        `The cluster refused this deployment's settings: ${error.message}`,
      );
    }
    if (run?.isLastAttempt) {
      const reason = error instanceof Error ? error.message : String(error);
      return fail(deps, deploymentId, "unknown", `The deploy step kept failing: ${reason}`);
    }
    throw error;
  }
}
