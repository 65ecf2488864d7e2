/**
 * Runs Sentinel on every core: with `workers > 1` a node:cluster primary forks the workers
 * (they share the traffic port; the primary hands connections round robin), serves the admin
 * port itself and sums the workers' counters over IPC. Shared state stays where it is: rate
 * limits in Redis, key and config caches per process (each worker subscribes to the same
 * notifications). SIGTERM drains every worker: in-flight requests finish, no new ones start.
 * With `workers` 1 everything runs in this process, the same way.
 */
import cluster, { type Worker } from "node:cluster";
import { AdminServer, type WorkerReport } from "../metrics/admin-server.js";
import type { MetricsSnapshot } from "../metrics/request-metrics.js";

export interface SentinelWorker {
  snapshot(): MetricsSnapshot;
  ready(): boolean;
  /** Stop accepting, finish in-flight requests, close upstreams and flush logs. */
  drain(): Promise<void>;
}

export interface RunOptions {
  workers: number;
  adminPort: number;
  adminHost: string;
  /** How long the primary waits for a draining worker before killing it. */
  drainTimeoutMs: number;
  log: (level: string, msg: string, fields?: Record<string, unknown>) => void;
}

type ToWorker = { type: "sentinel:collect"; id: number } | { type: "sentinel:drain" };
type ToPrimary = { type: "sentinel:report"; id: number; snapshot: MetricsSnapshot; ready: boolean };

const collectTimeoutMs = 2_000;

export async function runSentinel(
  options: RunOptions,
  startWorker: () => Promise<SentinelWorker>,
): Promise<void> {
  if (options.workers <= 1) return runInProcess(options, startWorker);
  if (cluster.isPrimary) return runPrimary(options);
  return runWorker(startWorker);
}

function onStopSignal(stop: (signal: string) => void): void {
  process.once("SIGTERM", () => stop("SIGTERM"));
  process.once("SIGINT", () => stop("SIGINT"));
}

async function runInProcess(options: RunOptions, startWorker: () => Promise<SentinelWorker>) {
  const worker = await startWorker();
  let accepting = true;
  const admin = new AdminServer({
    collect: async () => [
      { worker: 1, snapshot: worker.snapshot(), ready: accepting && worker.ready() },
    ],
    accepting: () => accepting,
    clock: Date.now,
  });
  const address = await admin.listen(options.adminPort, options.adminHost);
  options.log("info", "admin listening", { url: `http://${address.address}:${address.port}` });
  onStopSignal(async (signal) => {
    accepting = false;
    options.log("info", "draining", { signal });
    await worker.drain();
    await admin.close();
    options.log("info", "stopped");
    process.exit(0);
  });
}

async function runWorker(startWorker: () => Promise<SentinelWorker>) {
  const worker = await startWorker();
  let draining = false;
  const drain = async () => {
    if (draining) return;
    draining = true;
    await worker.drain();
    process.exit(0);
  };
  process.on("message", (message: ToWorker) => {
    if (message.type === "sentinel:collect") {
      const report: ToPrimary = {
        type: "sentinel:report",
        id: message.id,
        snapshot: worker.snapshot(),
        ready: !draining && worker.ready(),
      };
      process.send?.(report);
    } else if (message.type === "sentinel:drain") void drain();
  });
  // A signal to the whole process group (Ctrl-C) reaches the workers directly too.
  onStopSignal(() => void drain());
}

async function runPrimary(options: RunOptions) {
  const workers = new Map<number, Worker>();
  let stopping = false;
  let nextId = 0;
  const pending = new Map<number, { reports: WorkerReport[]; left: number; done: () => void }>();

  const fork = () => {
    const worker = cluster.fork();
    workers.set(worker.id, worker);
    worker.on("message", (message: ToPrimary) => {
      if (message.type !== "sentinel:report") return;
      const wait = pending.get(message.id);
      if (!wait) return;
      wait.reports.push({ worker: worker.id, snapshot: message.snapshot, ready: message.ready });
      if (--wait.left === 0) wait.done();
    });
    worker.once("exit", (code, signal) => {
      workers.delete(worker.id);
      if (stopping) return;
      options.log("error", "worker exited; starting another", { code, signal });
      fork();
    });
  };
  for (let i = 0; i < options.workers; i++) fork();

  const collect = () =>
    new Promise<WorkerReport[]>((resolve) => {
      const id = nextId++;
      const live = [...workers.values()].filter((w) => w.isConnected());
      const reports: WorkerReport[] = [];
      const done = () => {
        clearTimeout(timer);
        pending.delete(id);
        resolve(reports.sort((a, b) => a.worker - b.worker));
      };
      // A worker that does not answer in time is left out (and so is not ready).
      const timer = setTimeout(done, collectTimeoutMs);
      pending.set(id, { reports, left: live.length, done });
      if (live.length === 0) done();
      for (const worker of live) worker.send({ type: "sentinel:collect", id } satisfies ToWorker);
    });

  const admin = new AdminServer({ collect, accepting: () => !stopping, clock: Date.now });
  const address = await admin.listen(options.adminPort, options.adminHost);
  options.log("info", "admin listening", {
    url: `http://${address.address}:${address.port}`,
    workers: options.workers,
  });

  onStopSignal(async (signal) => {
    stopping = true;
    options.log("info", "draining", { signal, workers: workers.size });
    await Promise.all(
      [...workers.values()].map(
        (worker) =>
          new Promise<void>((resolve) => {
            const deadline = setTimeout(
              () => worker.process.kill("SIGKILL"),
              options.drainTimeoutMs,
            );
            worker.once("exit", () => {
              clearTimeout(deadline);
              resolve();
            });
            if (worker.isConnected()) worker.send({ type: "sentinel:drain" } satisfies ToWorker);
          }),
      ),
    );
    await admin.close();
    options.log("info", "stopped");
    process.exit(0);
  });
}
