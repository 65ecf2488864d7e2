import { tearDownApp } from "../deploy/app-teardown.js";
import type { DeployStepDependencies } from "../deploy/run-deploy-job.js";
import { runDeployJob } from "../deploy/run-deploy-job.js";
import type { IntakeContext } from "../github-intake/intake-context.js";
import { processGitHubDelivery } from "../github-intake/process-delivery.js";
import {
  type ReportDependencies,
  reportDeploymentToGitHub,
} from "../github-reporting/report-to-github.js";
import type { BuildStepDependencies } from "../image-build/run-build-job.js";
import { runBuildJob } from "../image-build/run-build-job.js";
import type { JobHandlers } from "../jobs/queues.js";

/** The worker's context: what every job handler needs, and the build, deploy and report edges. */
export type WorkerContext = IntakeContext &
  ReportDependencies &
  BuildStepDependencies &
  DeployStepDependencies;

/** Every job name's handler, in one place for the worker process and the tests. */
export function makeJobHandlers(deps: WorkerContext): JobHandlers {
  return {
    "github.delivery": (data) => processGitHubDelivery(deps, data.deliveryId),
    "github.report": (data) => reportDeploymentToGitHub(deps, data.deploymentId),
    "deployment.build": (data, run) => runBuildJob(deps, data.deploymentId, run),
    "deployment.deploy": (data, run) => runDeployJob(deps, data.deploymentId, run),
    "deployment.power": (data, run) => runDeployJob(deps, data.deploymentId, run),
    "app.teardown": async (data) => {
      const removed = await tearDownApp(deps, data.appId);
      if (removed > 0) deps.log.info({ appId: data.appId, removed }, "removed a deleted app's CRs");
    },
  };
}
