import cluster from "node:cluster";

/**
 * The bench's Node peers run as Sentinel does: `serve` in each of `workers` node:cluster
 * workers sharing one port, or in this process alone when `workers` is 1 (then SIGTERM exits
 * it, so --cpu-prof writes its profile).
 */
export function runWorkers(workers: number, serve: () => void): void {
  if (workers > 1 && cluster.isPrimary) {
    for (let i = 0; i < workers; i++) cluster.fork();
    process.once("SIGTERM", () => {
      for (const worker of Object.values(cluster.workers ?? {})) worker?.kill();
      process.exit(0);
    });
    return;
  }
  if (!cluster.isWorker) process.once("SIGTERM", () => process.exit(0));
  serve();
}
