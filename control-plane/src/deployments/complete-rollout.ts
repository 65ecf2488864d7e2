import type { DeploymentErrorCode, EnvironmentKind } from "@slipway/shared";
import { and, eq, gt, inArray, isNull, ne, or, sql } from "drizzle-orm";
import type { Database, DatabaseOrTransaction } from "../db/client.js";
import { apps, type DeploymentRow, deployments, environments } from "../db/schema/index.js";
import type { FollowUps } from "./follow-ups.js";
import { previewHostnames } from "./preview-hostnames.js";
import { stableHostname } from "./stable-hostname.js";
import { finishDeploymentStep } from "./steps.js";
import { transitionDeployment } from "./transition.js";

export const DEPLOY_STEP = "deploy";

/**
 * Pure: does a production deployment that just became ready take over the app's traffic?
 * Not while the app is rolled back (the SDK: a rollback stops automatic promotion), and never
 * over a newer deployment that finished first (ids sort by creation time).
 */
export function takesOverTraffic(input: {
  deploymentId: string;
  currentDeploymentId: string | null;
  isRolledBack: boolean;
}): boolean {
  if (input.isRolledBack) return false;
  return input.currentDeploymentId === null || input.currentDeploymentId < input.deploymentId;
}

/**
 * The environment's stable name answers with whichever deployment is current (the
 * gateway_routes view joins it to `apps.current_deployment_id`): written by the first rollout,
 * again only when the app's slug or the preview domain changed.
 */
async function nameEnvironment(
  tx: DatabaseOrTransaction,
  input: { appSlug: string; environmentSlug: string; environmentId: string; previewDomain: string },
): Promise<void> {
  const hostname = stableHostname(input);
  await tx
    .update(environments)
    .set({ hostname })
    .where(
      and(
        eq(environments.id, input.environmentId),
        or(isNull(environments.hostname), ne(environments.hostname, hostname)),
      ),
    );
}

/**
 * deploying → ready, and the traffic moves, in one transaction: every deployment gets its own
 * hostname; production switches the app's current deployment (and names the environment's
 * stable hostname, which follows it); a preview takes the branch hostname from older
 * deployments of the branch. The compare-and-swap makes exactly one caller win; a deployment
 * stopped or cancelled meanwhile stays as it is. Returns the follow-ups when this call won,
 * undefined when it lost.
 */
export async function completeRollout(
  db: Database,
  input: {
    deployment: Pick<DeploymentRow, "id" | "appId" | "environmentId" | "gitBranch">;
    environmentKind: EnvironmentKind;
    environmentSlug: string;
    appSlug: string;
    previewDomain: string;
    at: Date;
  },
): Promise<FollowUps | undefined> {
  const { deployment, at } = input;
  return db.transaction(async (tx) => {
    // One finisher per app at a time: "current" and branch hostnames are per-app decisions.
    const [app] = await tx.select().from(apps).where(eq(apps.id, deployment.appId)).for("update");
    if (!app) return undefined;
    const moved = await transitionDeployment(tx, {
      id: deployment.id,
      event: "finishRollout",
      at,
    });
    if (!moved) return undefined;
    await finishDeploymentStep(tx, {
      deploymentId: deployment.id,
      name: DEPLOY_STEP,
      status: "succeeded",
      at,
    });
    const names = previewHostnames({
      appId: app.id,
      appSlug: input.appSlug,
      environmentId: deployment.environmentId,
      // Production's traffic follows the app's current deployment, not a branch.
      branch: input.environmentKind === "production" ? null : deployment.gitBranch,
      deploymentId: deployment.id,
      previewDomain: input.previewDomain,
    });
    if (input.environmentKind === "production") {
      if (
        takesOverTraffic({
          deploymentId: deployment.id,
          currentDeploymentId: app.currentDeploymentId,
          isRolledBack: app.isRolledBack,
        })
      ) {
        await tx
          .update(apps)
          .set({ currentDeploymentId: deployment.id, updatedAt: at })
          .where(eq(apps.id, app.id));
      }
      await nameEnvironment(tx, { ...input, environmentId: deployment.environmentId });
      // Its own name under the preview domain: reachable without DNS or a verified domain
      // (`npm start`'s `*.slipway.localhost`), printed after each deploy.
      await tx
        .update(deployments)
        .set({ hostnames: [names.deployment] })
        .where(eq(deployments.id, deployment.id));
      return moved.followUps;
    }
    const hostnames = [names.deployment];
    if (names.branch && deployment.gitBranch) {
      const [newer] = await tx
        .select({ id: deployments.id })
        .from(deployments)
        .where(
          and(
            eq(deployments.environmentId, deployment.environmentId),
            eq(deployments.gitBranch, deployment.gitBranch),
            // An idle one still serves its hostnames (the next request wakes it): an older
            // deployment waking up must not take the branch hostname from it.
            inArray(deployments.status, ["ready", "idle"]),
            gt(deployments.id, deployment.id),
          ),
        )
        .limit(1);
      if (!newer) {
        await tx
          .update(deployments)
          .set({ hostnames: sql`${deployments.hostnames} - ${names.branch}::text` })
          .where(
            and(
              eq(deployments.environmentId, deployment.environmentId),
              ne(deployments.id, deployment.id),
              sql`${deployments.hostnames} @> ${JSON.stringify([names.branch])}::jsonb`,
            ),
          );
        hostnames.unshift(names.branch);
      }
    }
    await tx.update(deployments).set({ hostnames }).where(eq(deployments.id, deployment.id));
    return moved.followUps;
  });
}

/**
 * deploying → failed with the SDK's error code and a readable message; the step says why.
 * Returns the follow-ups, or undefined when the deployment had moved on.
 */
export async function failRollout(
  db: Database,
  input: { deploymentId: string; code: DeploymentErrorCode; message: string; at: Date },
): Promise<FollowUps | undefined> {
  return db.transaction(async (tx) => {
    const moved = await transitionDeployment(tx, {
      id: input.deploymentId,
      event: "failRollout",
      at: input.at,
      patch: { errorCode: input.code, errorStep: DEPLOY_STEP, errorMessage: input.message },
    });
    if (!moved) return undefined;
    await finishDeploymentStep(tx, {
      deploymentId: input.deploymentId,
      name: DEPLOY_STEP,
      status: "failed",
      at: input.at,
      errorMessage: input.message,
    });
    return moved.followUps;
  });
}
