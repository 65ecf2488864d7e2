// The parts of bench:sentinel:per-request every measurement shares: a target (a bundle run as
// one worker), its start and stop, the driver that sends it requests, and phase marks in its log.
import { appendFileSync } from "node:fs";
import { join } from "node:path";
import { signalGroup, startProcessGroup } from "@slipway/shared/processes";
import { Pool } from "undici";
import { type Running, stopPeer } from "./peers.js";

/** What one invocation measures with, and what it started (stopped at its end). */
export interface PerRequestRun {
  scratch: string;
  sentinelDir: string;
  warmup: number;
  requests: number;
  concurrency: number;
  /** `--perf -g`: call graphs in the perf profile. */
  callGraph: boolean;
  running: Running[];
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface Target {
  name: string;
  script: string;
}

export interface Context {
  env: NodeJS.ProcessEnv;
  headers: Record<string, string>;
  port: number;
}

/**
 * Drives one target over one keep-alive pool for its whole life (warm-up and measurement on the
 * same connections, so no connection is opened or closed inside the measured window).
 */
export class Driver {
  private readonly pool: Pool;

  constructor(
    port: number,
    private readonly headers: Record<string, string>,
    private readonly concurrency: number,
  ) {
    this.pool = new Pool(`http://127.0.0.1:${port}`, {
      connections: concurrency,
      pipelining: 1,
      keepAliveTimeout: 600_000,
      keepAliveMaxTimeout: 600_000,
    });
  }

  /** `total` requests, `concurrency` in flight, each checked. */
  async send(total: number) {
    const concurrency = this.concurrency;
    let sent = 0;
    let failed = 0;
    const lane = async () => {
      while (sent < total) {
        sent++;
        const r = await this.pool.request({
          path: "/v1/things?x=1",
          method: "GET",
          headers: this.headers,
        });
        const body = await r.body.text();
        if (r.statusCode !== 200 || body !== "hello, world\n") failed++;
      }
    };
    await Promise.all(Array.from({ length: concurrency }, lane));
    if (failed) throw new Error(`${failed} of ${total} requests failed`);
  }

  async waitUntilServing(peer: Running) {
    const deadline = Date.now() + 300_000;
    for (;;) {
      try {
        await this.send(this.concurrency);
        return;
      } catch (error) {
        if (peer.exit || Date.now() > deadline) throw error;
        await sleep(500);
      }
    }
  }

  close() {
    return this.pool.close();
  }
}

export async function stopTarget(peer: Running) {
  stopPeer(peer);
  const end = Date.now() + 60_000;
  while (!peer.exit && Date.now() < end) await sleep(200);
  if (!peer.exit) signalGroup(peer.pid, "SIGKILL");
}

/** A line in the target's log between phases, so traces (PR_NODE_FLAGS) can be read by phase. */
export const markPhase = (run: PerRequestRun, target: Target, phase: string) =>
  appendFileSync(join(run.scratch, `${target.name}.log`), `=== per-request: ${phase}\n`);

export function startTarget(
  run: PerRequestRun,
  target: Target,
  context: Context,
  wrapper: string[],
  flags: string[] = [],
): Running {
  const nodeFlags = [...flags, ...(process.env.PR_NODE_FLAGS?.split(" ").filter(Boolean) ?? [])];
  const [binary, ...rest] = [
    ...wrapper,
    process.execPath,
    "--enable-source-maps",
    ...nodeFlags,
    target.script,
  ];
  const peer = startProcessGroup(
    binary!,
    rest,
    join(run.scratch, `${target.name}.log`),
    context.env,
    {
      name: target.name,
      port: context.port,
    },
  );
  run.running.push(peer);
  return peer;
}
