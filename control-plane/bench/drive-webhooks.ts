/**
 * Load driver for `bench/webhooks.ts`: signed push deliveries at a fixed rate, open loop.
 * Bodies and signatures are made before the clock starts and requests go over node:http with
 * kept-alive connections, so the driver itself takes as little of the machine's CPU as it can:
 * it shares the two cores with the server it measures.
 */
import { createHmac, randomBytes, randomUUID } from "node:crypto";
import { Agent, request } from "node:http";

const [url, rateText, secondsText, secret] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
];
const rate = Number(rateText);
const seconds = Number(secondsText);

function pushBody(index: number): string {
  return JSON.stringify({
    ref: "refs/heads/main",
    before: "1".repeat(40),
    after: randomBytes(20).toString("hex"),
    created: false,
    deleted: false,
    forced: false,
    commits: [
      {
        id: String(index),
        message: `commit ${index}`,
        added: ["src/index.ts"],
        modified: [],
        removed: [],
      },
    ],
    head_commit: { message: `commit ${index}`, author: { username: "bench" } },
    repository: { full_name: "bench/app" },
    installation: { id: 1 },
    pusher: { name: "bench" },
  });
}

interface Delivery {
  id: string;
  body: Buffer;
  headers: Record<string, string | number>;
}

function prepare(total: number): Delivery[] {
  return Array.from({ length: total }, (_, index) => {
    const body = Buffer.from(pushBody(index));
    const id = randomUUID();
    return {
      id,
      body,
      headers: {
        "content-type": "application/json",
        "content-length": body.length,
        "x-github-event": "push",
        "x-github-delivery": id,
        "x-hub-signature-256": `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`,
      },
    };
  });
}

/** Sends `rate` signed deliveries a second for `seconds`, open-loop, and records each latency. */
async function drive(): Promise<{
  latencies: number[];
  failures: number;
  deliveryIds: string[];
  cpuSeconds: number;
}> {
  const target = new URL(url);
  const agent = new Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY });
  const deliveries = prepare(rate * seconds);
  const cpuBefore = process.cpuUsage();
  const latencies: number[] = [];
  let failures = 0;
  const send = (delivery: Delivery) =>
    new Promise<void>((resolve) => {
      const sent = performance.now();
      const outgoing = request(
        {
          host: target.hostname,
          port: target.port,
          path: target.pathname,
          method: "POST",
          headers: delivery.headers,
          agent,
        },
        (response) => {
          response.resume();
          response.once("end", () => {
            latencies.push(performance.now() - sent);
            if (response.statusCode !== 202) failures++;
            resolve();
          });
        },
      );
      outgoing.once("error", () => {
        failures++;
        resolve();
      });
      outgoing.end(delivery.body);
    });
  const started = performance.now();
  const inflight: Promise<void>[] = [];
  for (const [i, delivery] of deliveries.entries()) {
    const wait = started + (i * 1000) / rate - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    inflight.push(send(delivery));
  }
  await Promise.all(inflight);
  const cpu = process.cpuUsage(cpuBefore);
  agent.destroy();
  return {
    latencies: latencies.sort((a, b) => a - b),
    failures,
    deliveryIds: deliveries.map((delivery) => delivery.id),
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
  };
}

const result = await drive();
process.send!(result);
