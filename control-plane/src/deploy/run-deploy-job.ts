import { PermanentJobError } from "../jobs/job-types.js";
import type { PipelineDependencies } from "../pipeline/process-delivery.js";

// biome-ignore lint/complexity/noBannedTypes: filled in by the deploy step (in progress this session)
export type DeployStepDependencies = {};

/** The deploy step of a deployment (in progress this session). */
export async function runDeployJob(
  _deps: PipelineDependencies & DeployStepDependencies,
  deploymentId: string,
): Promise<void> {
  throw new PermanentJobError(`the deploy step is not wired yet (deployment ${deploymentId})`);
}
