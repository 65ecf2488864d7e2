import { Queue, UnrecoverableError, Worker } from "bullmq";
import type { Redis } from "ioredis";
import {
  type Job,
  type JobData,
  type JobName,
  jobIdOf,
  PermanentJobError,
  type QueueName,
  queueNames,
  queueOfJob,
} from "./job-types.js";

/** The only module that imports BullMQ: everything else speaks the `Job` union. */
export interface JobQueues {
  enqueue(job: Job): Promise<void>;
  close(): Promise<void>;
}

export type JobHandlers = { [Name in JobName]: (data: JobData<Name>) => Promise<void> };

export interface QueueOptions {
  connection: Redis;
  /** Key prefix in Redis, so test files and installs never share queues. */
  prefix: string;
}

const retryPolicy = { attempts: 8, backoff: { type: "exponential", delay: 1000 } } as const;

export function createJobQueues(options: QueueOptions): JobQueues {
  const queues = new Map<QueueName, Queue>(
    queueNames.map((name) => [
      name,
      new Queue(name, { connection: options.connection, prefix: options.prefix }),
    ]),
  );
  return {
    async enqueue(job) {
      const queue = queues.get(queueOfJob[job.name])!;
      await queue.add(job.name, job.data, {
        jobId: jobIdOf(job),
        ...retryPolicy,
        removeOnComplete: { age: 24 * 3600, count: 10_000 },
        removeOnFail: { age: 7 * 24 * 3600 },
      });
    },
    async close() {
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
    concurrency?: number;
    stalledIntervalMs?: number;
    lockDurationMs?: number;
    onError: (error: unknown) => void;
  },
): JobWorkers {
  // BullMQ closes only connections it made; these duplicates are ours to close.
  const connections: Redis[] = [];
  const workers = queueNames.map((queueName) => {
    const connection = options.connection.duplicate({ maxRetriesPerRequest: null });
    connections.push(connection);
    const worker = new Worker(
      queueName,
      async (job) => {
        const handler = options.handlers[job.name as JobName] as (data: unknown) => Promise<void>;
        if (!handler) throw new UnrecoverableError(`no handler for job ${job.name}`);
        try {
          await handler(job.data);
        } catch (error) {
          if (error instanceof PermanentJobError) throw new UnrecoverableError(error.message);
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
