import http from "node:http";
import type { AddressInfo } from "node:net";
import { expositionContentType, renderMetrics } from "./exposition.js";
import { type MetricsSnapshot, mergeSnapshots } from "./request-metrics.js";

/** What one worker reports to the admin port. */
export interface WorkerReport {
  worker: number;
  snapshot: MetricsSnapshot;
  /** Config loaded and not draining. */
  ready: boolean;
}

export interface AdminSources {
  /** Every live worker's report (one, in-process; from each cluster worker over IPC). */
  collect(): Promise<WorkerReport[]>;
  /** False from SIGTERM on: the load balancer stops sending while requests drain. */
  accepting(): boolean;
  clock: () => number;
}

function workerRequests(report: WorkerReport): number {
  return report.snapshot.requests.reduce((sum, n) => sum + n, 0);
}

/**
 * The admin port, apart from the traffic port so it is never exposed with it: `/metrics`
 * (Prometheus, summed over workers), `/healthz` (the process answers), `/readyz` (every worker
 * has its config and none is draining; Kubernetes' readiness probe).
 */
export class AdminServer {
  private readonly server: http.Server;

  constructor(sources: AdminSources) {
    this.server = http.createServer(
      { requestTimeout: 10_000, headersTimeout: 5_000 },
      (req, res) => {
        const path = (req.url ?? "/").split("?", 1)[0];
        if (req.method !== "GET" && req.method !== "HEAD") {
          res.writeHead(405, { allow: "GET, HEAD" }).end();
          return;
        }
        if (path === "/healthz") {
          res.writeHead(200, { "content-type": "text/plain" }).end("ok\n");
          return;
        }
        if (path !== "/metrics" && path !== "/readyz") {
          res.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
          return;
        }
        sources.collect().then(
          (reports) => {
            if (path === "/readyz") {
              const ready =
                sources.accepting() && reports.length > 0 && reports.every((r) => r.ready);
              res
                .writeHead(ready ? 200 : 503, { "content-type": "text/plain" })
                .end(ready ? "ready\n" : "not ready\n");
              return;
            }
            let text = renderMetrics(
              mergeSnapshots(reports.map((r) => r.snapshot)),
              sources.clock(),
              { workers: reports.length },
            );
            text +=
              "# HELP sentinel_worker_requests_total Requests answered by each worker process.\n" +
              "# TYPE sentinel_worker_requests_total counter\n";
            for (const report of reports) {
              text += `sentinel_worker_requests_total{worker="${report.worker}"} ${workerRequests(report)}\n`;
            }
            res.writeHead(200, { "content-type": expositionContentType }).end(text);
          },
          () =>
            res.writeHead(503, { "content-type": "text/plain" }).end("workers did not answer\n"),
        );
      },
    );
  }

  listen(port: number, host: string): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(port, host, () => resolve(this.server.address() as AddressInfo));
    });
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
