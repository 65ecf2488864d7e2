/** Load driver for `bench/webhooks.ts`: signed push deliveries at a fixed rate, open loop. */
import { createHmac, randomBytes, randomUUID } from "node:crypto";

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

/** Sends `rate` signed deliveries a second for `seconds`, open-loop, and records each latency. */
async function drive(): Promise<{
  latencies: number[];
  failures: number;
  deliveryIds: string[];
  cpuSeconds: number;
}> {
  const cpuBefore = process.cpuUsage();
  const latencies: number[] = [];
  const deliveryIds: string[] = [];
  let failures = 0;
  const total = rate * seconds;
  const started = performance.now();
  const inflight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const body = pushBody(i);
    const deliveryId = randomUUID();
    deliveryIds.push(deliveryId);
    const sent = performance.now();
    inflight.push(
      fetch(url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "x-github-event": "push",
          "x-github-delivery": deliveryId,
          "x-hub-signature-256": `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`,
        },
        body,
      }).then(
        async (response) => {
          await response.arrayBuffer();
          latencies.push(performance.now() - sent);
          if (response.status !== 202) failures++;
        },
        () => {
          failures++;
        },
      ),
    );
  }
  await Promise.all(inflight);
  const cpu = process.cpuUsage(cpuBefore);
  return {
    latencies: latencies.sort((a, b) => a - b),
    failures,
    deliveryIds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
  };
}

const result = await drive();
process.send!(result);
