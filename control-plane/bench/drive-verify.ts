/**
 * Load driver for `bench/keys.ts`: one JSON body POSTed over kept-alive node:http connections,
 * either open-loop at a fixed rate or closed-loop at saturation (`concurrency` requests always
 * in flight). It runs in its own process so it never steals the measured server's event loop.
 *
 * Every phase starts with `warmSeconds` of the same traffic that is not recorded: the driver's
 * own code is compiled, its connections are open and the server has seen it before the clock
 * starts (a fresh driver process otherwise measures its own start-up and TCP handshakes).
 *
 * At a fixed rate a request's latency runs from when it was due, not from when the driver got
 * round to sending it (coordinated omission): a driver or server that falls behind shows up in
 * the figures instead of being skipped. `sendLag` says how late the driver itself was, so a tail
 * that is the driver's shows as such.
 *
 * argv: url, authorization header ("" for none), body, mode ("rate" | "saturate"), rate or
 * concurrency, seconds, warm-up seconds. Answers a `DriveResult`.
 */
import { Agent, request } from "node:http";
import { type LoopRecord, recordLoop } from "./loop-stalls.js";

export interface DriveResult {
  /** ms, sorted: from the due time (rate) or the send (saturate) to the end of the answer. */
  latencies: number[];
  /** Per request in the order they were due (rate mode only; [] at saturation): */
  /** the due time, Unix ms with fractions (performance.timeOrigin + now), */
  dueAt: number[];
  /** the latency from the due time, ms, */
  latencyFromDue: number[];
  /** how late the driver sent it, ms (its own lag: timers, GC, a busy CPU). */
  sendLag: number[];
  failures: number;
  failureReasons: Record<string, number>;
  elapsedMs: number;
  /** The driver's CPU while measuring. */
  cpuSeconds: number;
  /** Unix ms when measuring started and ended. */
  startedAt: number;
  endedAt: number;
  /** Sockets the driver opened in all (warm-up included): more than the warm-up's is a stall. */
  socketsOpened: number;
  /** The driver's own event-loop stalls and GC pauses while measuring. */
  loop: LoopRecord;
}

const [url, authorization, body, mode, amountText, secondsText, warmText] = process.argv.slice(
  2,
) as [string, string, string, "rate" | "saturate", string, string, string | undefined];
const amount = Number(amountText);
const seconds = Number(secondsText);
const warmSeconds = Number(warmText ?? 0);
const target = new URL(url);
const payload = Buffer.from(body);
const headers: Record<string, string | number> = {
  "content-type": "application/json",
  "content-length": payload.length,
  ...(authorization && { authorization }),
};
// A pool like a real client's: beyond 256 connections an overloaded server only sees resets;
// requests wait for a socket instead, and that wait counts in their latency (open loop).
const agent = new Agent({ keepAlive: true, maxSockets: mode === "rate" ? 256 : amount });
let socketsOpened = 0;
const createConnection = agent.createConnection.bind(agent);
agent.createConnection = (...args: Parameters<typeof createConnection>) => {
  socketsOpened++;
  return createConnection(...args);
};

let recording = false;
const latencies: number[] = [];
let failures = 0;
/** Why requests failed: an HTTP status, `invalid` (200 but not VALID) or a socket error code. */
const failureReasons: Record<string, number> = {};
const fail = (reason: string) => {
  if (!recording) return;
  failures++;
  failureReasons[reason] = (failureReasons[reason] ?? 0) + 1;
};

/** Sends one request; resolves with its end time (performance.now()). */
const send = () =>
  new Promise<number>((resolve) => {
    const outgoing = request(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: "POST",
        headers,
        agent,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.once("end", () => {
          const ended = performance.now();
          // A verify that is not VALID would measure a different (shorter) path.
          const ok = response.statusCode === 200 && Buffer.concat(chunks).includes('"valid":true');
          if (!ok) fail(response.statusCode === 200 ? "invalid" : String(response.statusCode));
          resolve(ended);
        });
      },
    );
    outgoing.once("error", (error: NodeJS.ErrnoException) => {
      fail(error.code ?? "error");
      resolve(performance.now());
    });
    outgoing.end(payload);
  });

const dueAt: number[] = [];
const latencyFromDue: number[] = [];
const sendLag: number[] = [];

/** Open loop: request i is due at start + i/rate whatever happened to the ones before it. */
async function atRate(forSeconds: number, record: boolean): Promise<void> {
  const total = Math.round(amount * forSeconds);
  const started = performance.now();
  const inflight: Promise<void>[] = [];
  let next = 0;
  while (next < total) {
    const now = performance.now();
    // Everything already due goes now (after a late wake-up, a burst: what a real client
    // population would have sent meanwhile).
    while (next < total && started + (next * 1000) / amount <= now) {
      const due = started + (next * 1000) / amount;
      const lag = performance.now() - due;
      inflight.push(
        send().then((ended) => {
          if (!record) return;
          latencies.push(ended - due);
          dueAt.push(performance.timeOrigin + due);
          latencyFromDue.push(ended - due);
          sendLag.push(lag);
        }),
      );
      next++;
    }
    if (next < total) {
      const wait = started + (next * 1000) / amount - performance.now();
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, wait)));
    }
  }
  await Promise.all(inflight);
}

async function saturate(forSeconds: number, record: boolean): Promise<void> {
  const until = performance.now() + forSeconds * 1000;
  const loop = async () => {
    while (performance.now() < until) {
      const sent = performance.now();
      const ended = await send();
      if (record) latencies.push(ended - sent);
    }
  };
  await Promise.all(Array.from({ length: amount }, loop));
}

const run = mode === "rate" ? atRate : saturate;
if (warmSeconds > 0) await run(warmSeconds, false);
recording = true;
// The bench starts recording the server's stalls from here.
process.send!({ measuring: true });
const loop = recordLoop();
const cpuBefore = process.cpuUsage();
const started = performance.now();
await run(seconds, true);
const elapsedMs = performance.now() - started;
const cpu = process.cpuUsage(cpuBefore);
const loopRecord = loop.stop();
agent.destroy();
// Answers arrive out of order: put the per-request series back in due order.
const order = dueAt.map((_, i) => i).sort((a, b) => dueAt[a]! - dueAt[b]!);
const result: DriveResult = {
  latencies: latencies.sort((a, b) => a - b),
  dueAt: order.map((i) => dueAt[i]!),
  latencyFromDue: order.map((i) => latencyFromDue[i]!),
  sendLag: order.map((i) => sendLag[i]!),
  failures,
  failureReasons,
  elapsedMs,
  cpuSeconds: (cpu.user + cpu.system) / 1e6,
  startedAt: performance.timeOrigin + started,
  endedAt: performance.timeOrigin + started + elapsedMs,
  socketsOpened,
  loop: loopRecord,
};
process.send!(result);
