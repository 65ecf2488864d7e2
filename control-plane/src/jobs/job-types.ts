/** Every background job Slipway runs: one union, so a producer can't enqueue an unknown shape. */
export type Job =
  | { name: "github.delivery"; data: { deliveryId: string } }
  /** Show a deployment's current status on GitHub; `revision` makes each change its own job. */
  | { name: "github.report"; data: { deploymentId: string; revision: string } }
  /** Build a pending deployment's image from its commit; on success it moves on to deploy. */
  | { name: "deployment.build"; data: { deploymentId: string } }
  /** Roll a deployment whose image exists out to the cluster, then switch its domains. */
  | { name: "deployment.deploy"; data: { deploymentId: string } }
  /**
   * Bring a deployment's CR in line with its status after a stop or start (stopped → idle,
   * deploying → running until Ready); `revision` makes each stop or start its own job.
   */
  | { name: "deployment.power"; data: { deploymentId: string; revision: string } }
  /** Remove a deleted app's CRs (and with them its workloads and env Secrets) from the cluster. */
  | { name: "app.teardown"; data: { appId: string } };

export type JobName = Job["name"];
export type JobData<Name extends JobName> = Extract<Job, { name: Name }>["data"];

export const queueNames = ["github", "builds", "deployments"] as const;
export type QueueName = (typeof queueNames)[number];

/** Which queue carries each job; queues are the unit of concurrency and of isolation. */
export const queueOfJob: Record<JobName, QueueName> = {
  "github.delivery": "github",
  "github.report": "github",
  "deployment.build": "builds",
  "deployment.deploy": "deployments",
  "deployment.power": "deployments",
  "app.teardown": "deployments",
};

/** The id BullMQ de-duplicates on: the same delivery enqueued twice runs once. */
export function jobIdOf(job: Job): string {
  switch (job.name) {
    case "github.delivery":
      // BullMQ forbids ":" in custom ids (it is its own key separator).
      return `github.delivery-${job.data.deliveryId}`;
    case "github.report":
      return `github.report-${job.data.deploymentId}-${job.data.revision}`;
    // One job per deployment and step: a second enqueue (retried webhook, approve twice) is a no-op.
    case "deployment.build":
      return `deployment.build-${job.data.deploymentId}`;
    case "deployment.deploy":
      return `deployment.deploy-${job.data.deploymentId}`;
    case "deployment.power":
      return `deployment.power-${job.data.deploymentId}-${job.data.revision}`;
    case "app.teardown":
      return `app.teardown-${job.data.appId}`;
  }
}

/** A failure that no retry can fix (bad payload, missing object); the job fails at once. */
export class PermanentJobError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "PermanentJobError";
  }
}

/**
 * Not a failure: the job cannot run yet (e.g. no free build slot). The worker puts it back as
 * delayed without using up an attempt, and it runs again after `delayMs`.
 */
export class RetryLaterError extends Error {
  constructor(
    readonly delayMs: number,
    reason: string,
  ) {
    super(reason);
    this.name = "RetryLaterError";
  }
}
