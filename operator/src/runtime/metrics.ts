import { createServer, type Server } from "node:http";

type Labels = Record<string, string>;

const labelKey = (labels: Labels) =>
  Object.keys(labels)
    .sort()
    .map((k) => `${k}="${labels[k]!.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`)
    .join(",");

const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** The operator's Prometheus metrics, rendered in the text exposition format. */
export class Metrics {
  private readonly counters = new Map<string, Map<string, number>>();
  private readonly gauges = new Map<string, Map<string, number>>();
  private readonly histograms = new Map<
    string,
    Map<string, { buckets: number[]; sum: number; count: number }>
  >();
  private readonly help = new Map<string, [string, string]>();

  constructor() {
    this.describe(
      "slipway_operator_reconcile_total",
      "counter",
      "Reconciles by result (success, error, terminal).",
    );
    this.describe("slipway_operator_reconcile_errors_total", "counter", "Reconciles that failed.");
    this.describe(
      "slipway_operator_reconcile_duration_seconds",
      "histogram",
      "Time one reconcile took.",
    );
    this.describe("slipway_operator_workqueue_depth", "gauge", "Keys waiting in the work queue.");
    this.describe(
      "slipway_operator_kube_requests_total",
      "counter",
      "Requests to the apiserver by verb and code.",
    );
    this.describe(
      "slipway_operator_watch_relists_total",
      "counter",
      "Full relists, e.g. after 410 Gone.",
    );
    this.describe("slipway_operator_is_leader", "gauge", "1 while this replica holds the Lease.");
  }

  private describe(name: string, type: string, text: string) {
    this.help.set(name, [type, text]);
  }

  inc(name: string, labels: Labels = {}, by = 1): void {
    const series = this.counters.get(name) ?? new Map<string, number>();
    this.counters.set(name, series);
    const key = labelKey(labels);
    series.set(key, (series.get(key) ?? 0) + by);
  }

  set(name: string, value: number, labels: Labels = {}): void {
    const series = this.gauges.get(name) ?? new Map<string, number>();
    this.gauges.set(name, series);
    series.set(labelKey(labels), value);
  }

  observe(name: string, seconds: number, labels: Labels = {}): void {
    const series = this.histograms.get(name) ?? new Map();
    this.histograms.set(name, series);
    const key = labelKey(labels);
    const entry = series.get(key) ?? { buckets: DURATION_BUCKETS.map(() => 0), sum: 0, count: 0 };
    DURATION_BUCKETS.forEach((bound, i) => {
      if (seconds <= bound) entry.buckets[i]! += 1;
    });
    entry.sum += seconds;
    entry.count += 1;
    series.set(key, entry);
  }

  value(name: string, labels: Labels = {}): number {
    const key = labelKey(labels);
    return this.counters.get(name)?.get(key) ?? this.gauges.get(name)?.get(key) ?? 0;
  }

  render(): string {
    const lines: string[] = [];
    const header = (name: string) => {
      const [type, text] = this.help.get(name) ?? ["untyped", name];
      lines.push(`# HELP ${name} ${text}`, `# TYPE ${name} ${type}`);
    };
    const withLabels = (name: string, key: string, extra = "") => {
      const all = [key, extra].filter(Boolean).join(",");
      return all ? `${name}{${all}}` : name;
    };
    for (const [name, series] of [...this.counters, ...this.gauges]) {
      header(name);
      for (const [key, value] of series) lines.push(`${withLabels(name, key)} ${value}`);
    }
    for (const [name, series] of this.histograms) {
      header(name);
      for (const [key, entry] of series) {
        DURATION_BUCKETS.forEach((bound, i) => {
          lines.push(`${withLabels(`${name}_bucket`, key, `le="${bound}"`)} ${entry.buckets[i]}`);
        });
        lines.push(`${withLabels(`${name}_bucket`, key, 'le="+Inf"')} ${entry.count}`);
        lines.push(`${withLabels(`${name}_sum`, key)} ${entry.sum}`);
        lines.push(`${withLabels(`${name}_count`, key)} ${entry.count}`);
      }
    }
    return `${lines.join("\n")}\n`;
  }

  /** Serves /metrics and /healthz; port 0 picks a free one. */
  listen(port: number, host = "0.0.0.0"): Promise<Server> {
    const server = createServer((req, res) => {
      if (req.url === "/metrics") {
        res.writeHead(200, { "content-type": "text/plain; version=0.0.4" }).end(this.render());
      } else if (req.url === "/healthz") {
        res.writeHead(200).end("ok");
      } else {
        res.writeHead(404).end();
      }
    });
    return new Promise((resolve) => server.listen(port, host, () => resolve(server)));
  }
}
