import type { FastifyBaseLogger } from "fastify";
import type { Redis } from "ioredis";
import type { Config } from "./config.js";
import type { Database } from "./db/client.js";
import { githubApiFromConfig } from "./github/github-api.js";
import { makeJobHandlers } from "./jobs/job-handlers.js";
import { createJobQueues, type JobQueues, startJobWorkers } from "./jobs/queues.js";
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
  const pipeline = {
    db: deps.db,
    github: githubApiFromConfig(deps.config),
    jobs: queues,
    clock: () => new Date(),
    log: deps.log,
  };
  const workers = startJobWorkers({
    connection: deps.redis,
    prefix,
    handlers: makeJobHandlers(pipeline),
    lockDurationMs: deps.config.SLIPWAY_JOB_LOCK_MS,
    onError: (error) => deps.log.error({ err: error }, "job worker error"),
  });
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
      await queues.close();
    },
  };
}
