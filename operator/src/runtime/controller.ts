import type { Logger } from "./logger.js";
import type { Metrics } from "./metrics.js";
import { type Reconcile, TerminalError } from "./reconcile-result.js";
import type { WorkQueue } from "./work-queue.js";

export interface ControllerDeps {
  queue: WorkQueue;
  reconcile: Reconcile;
  workers: number;
  log: Logger;
  metrics: Metrics;
}

/**
 * Workers take keys from the queue and reconcile them: success forgets the key's backoff
 * (and honours requeueAfter), a throw re-queues it with per-key exponential backoff, a
 * TerminalError is logged and not retried until the next event.
 */
export class Controller {
  private workers: Promise<void>[] = [];

  constructor(private readonly deps: ControllerDeps) {}

  start(): void {
    for (let i = 0; i < this.deps.workers; i++) this.workers.push(this.work());
  }

  async stop(): Promise<void> {
    this.deps.queue.shutdown();
    await Promise.all(this.workers);
  }

  private async work(): Promise<void> {
    const { queue, reconcile, log, metrics } = this.deps;
    for (let key = await queue.get(); key !== undefined; key = await queue.get()) {
      const started = performance.now();
      try {
        const result = await reconcile(key);
        queue.forget(key);
        if (result.requeueAfterMs !== undefined) queue.addAfter(key, result.requeueAfterMs);
        metrics.inc("slipway_operator_reconcile_total", { result: "success" });
      } catch (error) {
        metrics.inc("slipway_operator_reconcile_errors_total");
        if (error instanceof TerminalError) {
          queue.forget(key);
          metrics.inc("slipway_operator_reconcile_total", { result: "terminal" });
          log.error("reconcile failed for good", { key, err: error });
        } else {
          const delayMs = queue.addRateLimited(key);
          metrics.inc("slipway_operator_reconcile_total", { result: "error" });
          log.warn("reconcile failed, retrying", { key, delayMs, err: error });
        }
      } finally {
        metrics.observe(
          "slipway_operator_reconcile_duration_seconds",
          (performance.now() - started) / 1000,
        );
        queue.done(key);
      }
    }
  }
}
