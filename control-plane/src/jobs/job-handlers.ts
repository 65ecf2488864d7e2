import type { BuildStepDependencies } from "../build/run-build-job.js";
import { runBuildJob } from "../build/run-build-job.js";
import { tearDownApp } from "../deploy/app-teardown.js";
import type { DeployStepDependencies } from "../deploy/run-deploy-job.js";
import { runDeployJob } from "../deploy/run-deploy-job.js";
import type { PipelineDependencies } from "../pipeline/process-delivery.js";
import { processGitHubDelivery } from "../pipeline/process-delivery.js";
import { type ReportDependencies, reportDeploymentToGitHub } from "../pipeline/report-to-github.js";
import type { JobHandlers } from "./queues.js";

/** What the job handlers need: the pipeline's dependencies plus the build, deploy and report edges. */
export type WorkerDependencies = PipelineDependencies &
  ReportDependencies &
  BuildStepDependencies &
  DeployStepDependencies;

/** Every job name's handler, in one place for the worker process and the tests. */
export function makeJobHandlers(deps: WorkerDependencies): JobHandlers {
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
