import type { FastifyBaseLogger } from "fastify";
import type { Redis } from "ioredis";
import { buildServiceFromEnv } from "./build/build-service.js";
import type { Config } from "./config.js";
import { createEnvVarCipher } from "./crypto/env-var-cipher.js";
import type { Database } from "./db/client.js";
import { tearDownDeletedApps } from "./deploy/app-teardown.js";
import { deployTargetFromConfig } from "./deploy/deploy-target.js";
import { recoverRollouts } from "./deploy/recover-rollouts.js";
import { githubApiFromConfig } from "./github/github-api.js";
import { githubSourceFromConfig } from "./github/github-source.js";
import { createCancellationBus } from "./jobs/cancellations.js";
import { makeJobHandlers } from "./jobs/job-handlers.js";
import { createJobQueues, type JobQueues, startJobWorkers } from "./jobs/queues.js";
import { withoutGitHubReports } from "./pipeline/report-changes.js";
import { recoverQueuedDeployments } from "./pipeline/start-queued-deployments.js";
import { systemDnsLookup } from "./services/dns-resolver.js";
import { startDomainVerifier } from "./services/domain-verification.js";

export interface Background {
  queues: JobQueues;
  /** Stops workers first (letting running jobs finish), then the queues and the verifier. */
  stop(): Promise<void>;
}

/** Everything the control plane runs besides answering HTTP: job workers and the domain verifier. */
export function startBackground(deps: {
  config: Config;
  db: Database;
  redis: Redis;
  log: FastifyBaseLogger;
}): Background {
  const prefix = deps.config.SLIPWAY_QUEUE_PREFIX;
  const queues = createJobQueues({ connection: deps.redis, prefix });
  const cancellations = createCancellationBus(deps.redis, prefix);
  const cipher = createEnvVarCipher(deps.config.SLIPWAY_ENCRYPTION_KEYS);
  const cluster = deployTargetFromConfig(deps.config, process.env, cipher);
  if (!cluster) deps.log.warn("no Kubernetes cluster configured: deployments will fail to deploy");
  const github = githubApiFromConfig(deps.config);
  const pipeline = {
    db: deps.db,
    github,
    jobs: github ? queues : withoutGitHubReports(queues),
    clock: () => new Date(),
    log: deps.log,
    publicUrl: deps.config.SLIPWAY_PUBLIC_URL,
    deploy: cluster?.target,
    cipher,
    builder: buildServiceFromEnv(process.env),
    githubSource: githubSourceFromConfig(deps.config),
    cancellations,
    buildSlotsPerWorkspace: deps.config.SLIPWAY_BUILD_SLOTS,
  };
  if (!pipeline.builder) {
    deps.log.warn(
      "no builder configured (SLIPWAY_BUILDKIT_ADDR, SLIPWAY_REGISTRY): git deployments will fail to build",
    );
  }
  const workers = startJobWorkers({
    connection: deps.redis,
    prefix,
    handlers: makeJobHandlers(pipeline),
    ...(deps.config.SLIPWAY_WORKER_QUEUES ? { queues: deps.config.SLIPWAY_WORKER_QUEUES } : {}),
    lockDurationMs: deps.config.SLIPWAY_JOB_LOCK_MS,
    onError: (error) => deps.log.error({ err: error }, "job worker error"),
  });
  // Deployments queued while no worker ran (or whose job was lost in a crash) start now.
  void recoverQueuedDeployments({ db: deps.db, jobs: queues })
    .then((count) => count > 0 && deps.log.info({ count }, "re-enqueued waiting deployments"))
    .catch((error) => deps.log.error({ err: error }, "could not re-enqueue waiting deployments"));
  // Rollouts and stops whose power job may have been lost with the process that changed them.
  void recoverRollouts({ db: deps.db, jobs: queues, at: new Date() })
    .then((count) => count > 0 && deps.log.info({ count }, "re-checked rollouts and stops"))
    .catch((error) => deps.log.error({ err: error }, "could not re-check rollouts and stops"));
  // CRs of apps deleted while their teardown job could not be enqueued.
  void tearDownDeletedApps({ db: deps.db, deploy: cluster?.target })
    .then((count) => count > 0 && deps.log.info({ count }, "removed deleted apps' CRs"))
    .catch((error) => deps.log.error({ err: error }, "could not remove deleted apps' CRs"));
  const stopVerifier = startDomainVerifier({
    db: deps.db,
    dns: systemDnsLookup(),
    clock: () => new Date(),
    target: deps.config.SLIPWAY_DOMAIN_TARGET,
    onError: (error) => deps.log.error({ err: error }, "domain verification pass failed"),
  });
  return {
    queues,
    async stop() {
      stopVerifier();
      await workers.close();
      await cancellations.close();
      await queues.close();
      cluster?.close();
    },
  };
}
