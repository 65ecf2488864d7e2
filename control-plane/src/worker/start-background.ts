import { startRequestLogPartitionMaintenance } from "@slipway/request-logs";
import type { FastifyBaseLogger } from "fastify";
import type { Redis } from "ioredis";
import type { Config } from "../config.js";
import type { Database } from "../db/client.js";
import { tearDownDeletedApps } from "../deploy/app-teardown.js";
import { followUpsAfterRestart } from "../deployments/current-follow-ups.js";
import { enqueueFollowUps } from "../deployments/enqueue-follow-ups.js";
import { createCancellationBus } from "../jobs/cancellations.js";
import { createJobQueues, type JobQueues, startJobWorkers } from "../jobs/queues.js";
import { withoutGitHubReports } from "../jobs/without-github-reports.js";
import type { PlatformClients } from "../platform-clients.js";
import { systemDnsLookup } from "../services/dns-resolver.js";
import { startDomainVerifier } from "../services/domain-verifier.js";
import { startPreviewIdler } from "../services/preview-idler.js";
import { makeJobHandlers, type WorkerContext } from "./job-handlers.js";

export interface Background {
  queues: JobQueues;
  /** Stops workers first (letting running jobs finish), then the queues and the verifier. */
  stop(): Promise<void>;
}

/**
 * Everything the control plane runs besides answering HTTP: job workers, the domain verifier and
 * the preview idler.
 */
export function startBackground(deps: {
  config: Config;
  clients: PlatformClients;
  db: Database;
  redis: Redis;
  log: FastifyBaseLogger;
}): Background {
  const { config, clients, log } = deps;
  const prefix = config.SLIPWAY_QUEUE_PREFIX;
  const queues = createJobQueues({ connection: deps.redis, prefix });
  const cancellations = createCancellationBus(deps.redis, prefix);
  if (!clients.cluster)
    log.warn("no Kubernetes cluster configured: deployments will fail to deploy");
  if (!clients.builder) {
    log.warn(
      "no builder configured (SLIPWAY_BUILDKIT_ADDR, SLIPWAY_REGISTRY): git deployments will fail to build",
    );
  }
  const context: WorkerContext = {
    db: deps.db,
    github: clients.github,
    jobs: clients.github ? queues : withoutGitHubReports(queues),
    clock: () => new Date(),
    log,
    publicUrl: config.SLIPWAY_PUBLIC_URL,
    deploy: clients.cluster,
    cipher: clients.cipher,
    builder: clients.builder,
    githubSource: clients.githubSource,
    cancellations,
    buildSlotsPerWorkspace: config.SLIPWAY_BUILD_SLOTS,
    replayWindowMs: config.GITHUB_REPLAY_WINDOW_SECONDS * 1000,
  };
  const workers = startJobWorkers({
    connection: deps.redis,
    prefix,
    handlers: makeJobHandlers(context),
    ...(config.SLIPWAY_WORKER_QUEUES ? { queues: config.SLIPWAY_WORKER_QUEUES } : {}),
    lockDurationMs: config.SLIPWAY_JOB_LOCK_MS,
    onError: (error) => log.error({ err: error }, "job worker error"),
  });
  // Deployments queued while no worker ran, and rollouts and stops whose job may have been lost
  // with the process that changed them, are picked up again now.
  void followUpsAfterRestart(deps.db, new Date())
    .then(async ({ followUps, waiting, rollouts }) => {
      await enqueueFollowUps(queues, followUps);
      if (waiting + rollouts > 0)
        log.info({ waiting, rollouts }, "re-enqueued waiting deployments");
    })
    .catch((error) => log.error({ err: error }, "could not re-enqueue waiting deployments"));
  // CRs of apps deleted while their teardown job could not be enqueued.
  void tearDownDeletedApps({ db: deps.db, deploy: clients.cluster })
    .then((count) => count > 0 && log.info({ count }, "removed deleted apps' CRs"))
    .catch((error) => log.error({ err: error }, "could not remove deleted apps' CRs"));
  const stopVerifier = startDomainVerifier({
    db: deps.db,
    dns: systemDnsLookup(),
    clock: () => new Date(),
    target: config.SLIPWAY_DOMAIN_TARGET,
    recheck: { intervalMs: config.SLIPWAY_DOMAIN_RECHECK_SECONDS * 1000 },
    onError: (error) => log.error({ err: error }, "domain verification pass failed"),
  });
  // Every API and worker process runs it; the advisory lock makes one of them do each pass.
  const stopRequestLogMaintenance = startRequestLogPartitionMaintenance({
    pool: deps.db.$client,
    policy: { retentionDays: config.SLIPWAY_REQUEST_LOG_RETENTION_DAYS, daysAhead: 3 },
    clock: Date.now,
    onError: (error) => log.error({ err: error }, "request log partition maintenance failed"),
    onResult: (result) => {
      if (result.created.length + result.dropped.length > 0)
        log.info(result, "request log partitions maintained");
    },
  });
  const stopIdler = startPreviewIdler(
    {
      db: deps.db,
      redis: deps.redis,
      redisPrefix: `${prefix}:`,
      jobs: context.jobs,
      clock: () => new Date(),
      idleAfterMs: config.SLIPWAY_PREVIEW_IDLE_AFTER_MS,
      onError: (error) => log.error({ err: error }, "preview idle pass failed"),
    },
    config.SLIPWAY_PREVIEW_IDLE_CHECK_MS,
  );
  return {
    queues,
    async stop() {
      stopIdler();
      stopVerifier();
      stopRequestLogMaintenance();
      await workers.close();
      await cancellations.close();
      await queues.close();
    },
  };
}
