/**
 * Load driver for `bench/keys.ts`: one JSON body POSTed over kept-alive node:http connections,
 * either open-loop at a fixed rate or closed-loop at saturation (`concurrency` requests always
 * in flight). It runs in its own process so it never steals the measured server's event loop.
 * argv: url, authorization header ("" for none), body, mode ("rate" | "saturate"), rate or
 * concurrency, seconds. Answers { latencies (ms, sorted), failures, failureReasons, elapsedMs,
 * cpuSeconds }.
 */
import { Agent, request } from "node:http";

const [url, authorization, body, mode, amountText, secondsText] = process.argv.slice(2) as [
  string,
  string,
  string,
  "rate" | "saturate",
  string,
  string,
];
const amount = Number(amountText);
const seconds = Number(secondsText);
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
const latencies: number[] = [];
let failures = 0;
/** Why requests failed: an HTTP status, `invalid` (200 but not VALID) or a socket error code. */
const failureReasons: Record<string, number> = {};
const fail = (reason: string) => {
  failures++;
  failureReasons[reason] = (failureReasons[reason] ?? 0) + 1;
};

const send = () =>
  new Promise<void>((resolve) => {
    const sent = performance.now();
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
          latencies.push(performance.now() - sent);
          // A verify that is not VALID would measure a different (shorter) path.
          const ok = response.statusCode === 200 && Buffer.concat(chunks).includes('"valid":true');
          if (!ok) failures++;
          resolve();
        });
      },
    );
    outgoing.once("error", (error: NodeJS.ErrnoException) => {
      fail(error.code ?? "error");
      resolve();
    });
    outgoing.end(payload);
  });

async function atRate(): Promise<void> {
  const total = amount * seconds;
  const started = performance.now();
  const inflight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const wait = started + (i * 1000) / amount - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    inflight.push(send());
  }
  await Promise.all(inflight);
}

async function saturate(): Promise<void> {
  const until = performance.now() + seconds * 1000;
  const loop = async () => {
    while (performance.now() < until) await send();
  };
  await Promise.all(Array.from({ length: amount }, loop));
}

const cpuBefore = process.cpuUsage();
const started = performance.now();
await (mode === "rate" ? atRate() : saturate());
const elapsedMs = performance.now() - started;
const cpu = process.cpuUsage(cpuBefore);
agent.destroy();
process.send!({
  latencies: latencies.sort((a, b) => a - b),
  failures,
  failureReasons,
  elapsedMs,
  cpuSeconds: (cpu.user + cpu.system) / 1e6,
});
