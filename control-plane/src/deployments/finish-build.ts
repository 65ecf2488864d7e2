import type { Database } from "../db/client.js";
import type { FollowUps } from "./follow-ups.js";
import { finishDeploymentStep } from "./steps.js";
import { transitionDeployment } from "./transition.js";

export const BUILD_STEP = "build";

/**
 * The build's end, in one transaction: the deployment moves on (building → deploying with its
 * image, or → failed with the reason) and its build step closes with it, so nobody ever sees the
 * deployment moved on while its step still runs. A deployment moved meanwhile (cancelled) keeps
 * its status and the step closes as cancelled. Returns the follow-ups when the move won.
 */
export async function finishBuild(
  db: Database,
  input: { deploymentId: string; at: Date } & ({ image: string } | { failure: string }),
): Promise<FollowUps | undefined> {
  return db.transaction(async (tx) => {
    const moved =
      "image" in input
        ? await transitionDeployment(tx, {
            id: input.deploymentId,
            event: "finishBuild",
            at: input.at,
            patch: { image: input.image },
          })
        : await transitionDeployment(tx, {
            id: input.deploymentId,
            event: "failBuild",
            at: input.at,
            patch: {
              errorCode: "build_failed",
              errorStep: BUILD_STEP,
              errorMessage: input.failure,
            },
          });
    const succeeded = "image" in input ? "succeeded" : "failed";
    await finishDeploymentStep(tx, {
      deploymentId: input.deploymentId,
      name: BUILD_STEP,
      status: moved ? succeeded : "cancelled",
      at: input.at,
      ...("failure" in input ? { errorMessage: input.failure } : {}),
    });
    return moved?.followUps;
  });
}
