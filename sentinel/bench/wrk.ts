// Runs Debian's wrk and reads its summary. Debian ships wrk, not wrk2, so there is no `-R`:
// a fixed rate is paced with wrk's Lua `delay()` hook (see pacedScript).
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { wrkBinary } from "./peers.js";

export interface WrkResult {
  requestsPerSecond: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  /** Non-2xx/3xx responses plus socket errors: a proxy that fails requests is not fast. */
  failures: number;
  /** Requests without an answer within wrk's 2 s timeout (a starved machine shows these). */
  timeouts: number;
  requests: number;
}

export interface WrkRun {
  url: string;
  headers: Record<string, string>;
  threads: number;
  connections: number;
  seconds: number;
  /** A Lua script (pacing). */
  script?: string;
}

const unitMs = { us: 0.001, ms: 1, s: 1000, m: 60_000 } as const;

function duration(text: string): number {
  const match = /^([\d.]+)(us|ms|s|m)$/.exec(text.trim());
  if (!match) throw new Error(`wrk: cannot read duration ${text}`);
  return Number(match[1]) * unitMs[match[2] as keyof typeof unitMs];
}

/** Parses `wrk --latency` output. */
export function parseWrk(output: string): WrkResult {
  const percentile = (p: string) => {
    const match = new RegExp(`^\\s+${p}%\\s+(\\S+)`, "m").exec(output);
    if (!match) throw new Error(`wrk: no ${p}% latency in\n${output}`);
    return duration(match[1]!);
  };
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(output);
  const total = /(\d+) requests in/.exec(output);
  if (!rps || !total) throw new Error(`wrk: no summary in\n${output}`);
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(output)?.[1] ?? 0);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(
    output,
  );
  const socketErrors = socket ? socket.slice(1, 4).reduce((sum, n) => sum + Number(n), 0) : 0;
  return {
    requestsPerSecond: Number(rps[1]),
    p50Ms: percentile("50"),
    p90Ms: percentile("90"),
    p99Ms: percentile("99"),
    failures: non2xx + socketErrors,
    timeouts: Number(socket?.[4] ?? 0),
    requests: Number(total[1]),
  };
}

export function runWrk(run: WrkRun): Promise<WrkResult> {
  const args = [
    `-t${run.threads}`,
    `-c${run.connections}`,
    `-d${run.seconds}s`,
    "--latency",
    ...Object.entries(run.headers).flatMap(([name, value]) => ["-H", `${name}: ${value}`]),
    ...(run.script ? ["-s", run.script] : []),
    run.url,
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(wrkBinary, args, { stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk) => {
      output += chunk;
    });
    child.stderr.on("data", (chunk) => {
      output += chunk;
    });
    child.on("error", reject);
    child.on("exit", (code) => {
      if (code !== 0) reject(new Error(`wrk exited with ${code}:\n${output}`));
      else {
        try {
          resolve(parseWrk(output));
        } catch (error) {
          reject(error);
        }
      }
    });
  });
}

/**
 * A fixed-rate load with plain wrk: every connection waits `delayMs` before each request
 * (wrk's `delay()` hook), so `connections` connections send about
 * `connections * 1000 / (delayMs + latency)` requests per second, open of the proxy's speed
 * as long as latency is small against the delay. wrk times each request from its write, so
 * the figures are per-request latency at that rate; the achieved rate is printed beside them.
 */
export function pacedScript(dir: string, delayMs: number): string {
  const file = join(dir, `paced-${delayMs}.lua`);
  writeFileSync(file, `function delay()\n  return ${delayMs}\nend\n`);
  return file;
}
