import { DelayedError, Queue, UnrecoverableError, Worker } from "bullmq";
import type { Redis } from "ioredis";
import { createCancellationBus } from "./cancellations.js";
import {
  type Job,
  type JobData,
  type JobName,
  jobIdOf,
  PermanentJobError,
  type QueueName,
  queueNames,
  queueOfJob,
  RetryLaterError,
} from "./job-types.js";

/** The only module that imports BullMQ: everything else speaks the `Job` union. */
export interface JobQueues {
  enqueue(job: Job): Promise<void>;
  /** Several jobs in one Redis round trip (a batch of webhook deliveries). */
  enqueueMany(jobs: readonly Job[]): Promise<void>;
  /** Tells the worker running this deployment's job (if any) to stop now. */
  announceCancellation(deploymentId: string): Promise<void>;
  close(): Promise<void>;
}

/** Where a committed change's follow-ups go: the queues, and the cancellation channel if any. */
export type FollowUpQueues = Pick<JobQueues, "enqueue"> &
  Partial<Pick<JobQueues, "announceCancellation">>;

/** Which run of a job this is, so a handler can give up for good on its last attempt. */
export interface JobRun {
  attempt: number;
  isLastAttempt: boolean;
}

export type JobHandlers = {
  [Name in JobName]: (data: JobData<Name>, run: JobRun) => Promise<void>;
};

export interface QueueOptions {
  connection: Redis;
  /** Key prefix in Redis, so test files and installs never share queues. */
  prefix: string;
}

export const retryPolicy = {
  attempts: 8,
  backoff: { type: "exponential", delay: 1000 },
} as const;

export function createJobQueues(options: QueueOptions): JobQueues {
  const queues = new Map<QueueName, Queue>(
    queueNames.map((name) => [
      name,
      new Queue(name, { connection: options.connection, prefix: options.prefix }),
    ]),
  );
  const cancellations = createCancellationBus(options.connection, options.prefix);
  const optionsOf = (job: Job) => ({
    jobId: jobIdOf(job),
    ...retryPolicy,
    removeOnComplete: { age: 24 * 3600, count: 10_000 },
    removeOnFail: { age: 7 * 24 * 3600 },
  });
  return {
    announceCancellation: (deploymentId) => cancellations.announce(deploymentId),
    async enqueue(job) {
      const queue = queues.get(queueOfJob[job.name])!;
      await queue.add(job.name, job.data, optionsOf(job));
    },
    async enqueueMany(jobs) {
      const byQueue = new Map<QueueName, Job[]>();
      for (const job of jobs) {
        const name = queueOfJob[job.name];
        byQueue.set(name, [...(byQueue.get(name) ?? []), job]);
      }
      await Promise.all(
        [...byQueue].map(async ([name, queued]) => {
          const queue = queues.get(name)!;
          // addBulk builds an ioredis pipeline, whose constructor copies every BullMQ script
          // onto it: dearer than a plain add for one job.
          if (queued.length === 1) {
            await queue.add(queued[0]!.name, queued[0]!.data, optionsOf(queued[0]!));
          } else {
            await queue.addBulk(
              queued.map((job) => ({ name: job.name, data: job.data, opts: optionsOf(job) })),
            );
          }
        }),
      );
    },
    async close() {
      await cancellations.close();
      await Promise.all([...queues.values()].map((queue) => queue.close()));
    },
  };
}

export interface JobWorkers {
  close(): Promise<void>;
}

/**
 * Runs the handlers. A job whose worker dies mid-run is stalled and handed to another worker
 * by BullMQ's stalled-job check; handlers are idempotent, so running twice is safe.
 */
export function startJobWorkers(
  options: QueueOptions & {
    handlers: JobHandlers;
    /** Queues this process works on (all by default): e.g. a builder node runs only `builds`. */
    queues?: readonly QueueName[];
    concurrency?: number;
    stalledIntervalMs?: number;
    lockDurationMs?: number;
    onError: (error: unknown) => void;
  },
): JobWorkers {
  // BullMQ closes only connections it made; these duplicates are ours to close.
  const connections: Redis[] = [];
  const workers = (options.queues ?? queueNames).map((queueName) => {
    const connection = options.connection.duplicate({ maxRetriesPerRequest: null });
    connections.push(connection);
    const worker = new Worker(
      queueName,
      async (job, token) => {
        const handler = options.handlers[job.name as JobName] as (
          data: unknown,
          run: JobRun,
        ) => Promise<void>;
        if (!handler) throw new UnrecoverableError(`no handler for job ${job.name}`);
        const attempts = job.opts.attempts ?? 1;
        try {
          await handler(job.data, {
            attempt: job.attemptsMade + 1,
            isLastAttempt: job.attemptsMade + 1 >= attempts,
          });
        } catch (error) {
          if (error instanceof PermanentJobError) throw new UnrecoverableError(error.message);
          if (error instanceof RetryLaterError && token) {
            await job.moveToDelayed(Date.now() + error.delayMs, token);
            throw new DelayedError();
          }
          throw error;
        }
      },
      {
        connection,
        prefix: options.prefix,
        concurrency: options.concurrency ?? 4,
        lockDuration: options.lockDurationMs ?? 30_000,
        stalledInterval: options.stalledIntervalMs ?? options.lockDurationMs ?? 30_000,
        maxStalledCount: 3,
      },
    );
    worker.on("error", options.onError);
    return worker;
  });
  return {
    async close() {
      await Promise.all(workers.map((worker) => worker.close()));
      for (const connection of connections) connection.disconnect();
    },
  };
}
