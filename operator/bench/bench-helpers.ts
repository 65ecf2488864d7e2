/** Small pieces of `npm run bench:operator`: pooling, polling, process and metrics readings. */
import type { ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import type { KubeClient } from "@slipway/shared/kube";

interface PodItem {
  spec?: { nodeName?: string };
  status?: { conditions?: { type: string; status: string }[] };
}

export const isReady = (pod: PodItem) =>
  pod.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false;

/** Runs task(0..count-1) with at most `limit` in flight. */
export async function pool(count: number, limit: number, task: (i: number) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, count) }, async () => {
      while (next < count) await task(next++);
    }),
  );
}

export async function createNamespace(client: KubeClient, name: string) {
  await client.create("/api/v1/namespaces", {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: { name },
  });
}

export interface WaitOptions {
  what: string;
  started: number;
  total: number;
  capSeconds: number;
  /** The ready count; polled every 2 s (listing 1 000 objects costs the apiserver too). */
  probe: () => Promise<number>;
  /** Printed with each progress line (every 10 s), to show where the time goes. */
  detail?: () => Promise<string>;
}

/** Polls until `probe` reaches `total` or the cap; seconds since `started`, or null. */
export async function waitAll(options: WaitOptions): Promise<number | null> {
  const { what, started, total, capSeconds, probe, detail } = options;
  let lastPrint = 0;
  while ((Date.now() - started) / 1000 < capSeconds) {
    let ready = 0;
    try {
      ready = await probe();
    } catch (error) {
      console.log(`  (${what}: list failed: ${String(error)})`);
    }
    const elapsed = (Date.now() - started) / 1000;
    if (ready >= total) return elapsed;
    if (elapsed - lastPrint >= 10) {
      const more = detail ? await detail().catch((error) => `(${String(error)})`) : "";
      console.log(
        `  ${what}: ${ready}/${total} ready after ${elapsed.toFixed(0)} s${more ? `; ${more}` : ""}`,
      );
      lastPrint = elapsed;
    }
    await sleep(2000);
  }
  return null;
}

export function peakRssMb(pid: number): { hwm: number; rss: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0);
    return { hwm: kb("VmHWM") / 1024, rss: kb("VmRSS") / 1024 };
  } catch {
    return null;
  }
}

/** Reconciles by result and apiserver requests by verb, from the operator's /metrics. */
export function summarizeMetrics(text: string): string {
  const sum = (pattern: RegExp) => {
    const totals = new Map<string, number>();
    for (const match of text.matchAll(pattern)) {
      totals.set(match[1]!, (totals.get(match[1]!) ?? 0) + Number(match[2]));
    }
    return [...totals].map(([label, value]) => `${label} ${value}`).join(", ");
  };
  const reconciles = sum(/^slipway_operator_reconcile_total\{result="(\w+)"\} (\d+)/gm);
  const requests = sum(/^slipway_operator_kube_requests_total\{([^}]*)\} (\d+)/gm);
  return `reconciles: ${reconciles}; requests: ${requests}`;
}

export async function stopChild(child: ChildProcess) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  const done = await Promise.race([exited.then(() => true), sleep(10_000).then(() => false)]);
  if (!done) {
    child.kill("SIGKILL");
    await exited;
  }
}

/** Where a namespace's pods are: created, bound to a node by the scheduler, Ready (kwok). */
export async function podProgress(client: KubeClient, namespace: string): Promise<string> {
  const pods = await client.get<{ items: PodItem[] }>(`/api/v1/namespaces/${namespace}/pods`);
  const scheduled = pods.items.filter((p) => p.spec?.nodeName).length;
  const ready = pods.items.filter(isReady).length;
  return `pods created ${pods.items.length}, scheduled ${scheduled}, Ready ${ready}`;
}

/** Seconds the apiserver spent and requests it served, per `VERB resource[/subresource]`. */
export type ApiserverWork = Map<string, { seconds: number; requests: number }>;

export async function apiserverWork(client: KubeClient): Promise<ApiserverWork> {
  const { text } = await client.raw("GET", "/metrics", undefined, undefined, 30_000);
  const work: ApiserverWork = new Map();
  const pattern =
    /^apiserver_request_duration_seconds_(sum|count)\{[^}]*resource="([^"]*)"[^}]*subresource="([^"]*)"[^}]*verb="([^"]*)"[^}]*\} (\S+)/gm;
  for (const [, kind, resource, subresource, verb, value] of text.matchAll(pattern)) {
    if (!resource || verb === "WATCH") continue;
    const key = `${verb} ${resource}${subresource ? `/${subresource}` : ""}`;
    const entry = work.get(key) ?? { seconds: 0, requests: 0 };
    if (kind === "sum") entry.seconds += Number(value);
    else entry.requests += Number(value);
    work.set(key, entry);
  }
  return work;
}

/** The `top` entries of after − before by time spent, e.g. "APPLY services 1000 req 2400 s". */
export function topWork(before: ApiserverWork, after: ApiserverWork, top = 8): string {
  return [...after]
    .map(([key, { seconds, requests }]) => ({
      key,
      seconds: seconds - (before.get(key)?.seconds ?? 0),
      requests: requests - (before.get(key)?.requests ?? 0),
    }))
    .filter((entry) => entry.requests > 0)
    .sort((a, b) => b.seconds - a.seconds)
    .slice(0, top)
    .map(
      (e) =>
        `${e.key}: ${e.requests} req, ${e.seconds.toFixed(0)} s (${((1000 * e.seconds) / e.requests).toFixed(0)} ms avg)`,
    )
    .join("\n    ");
}
