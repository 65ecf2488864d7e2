import { connect, type Socket } from "node:net";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createJobQueues } from "../../src/jobs/queues.js";
import { startTestApi, type TestApi } from "../harness/api.js";
import { uniqueRedisPrefix } from "../harness/database.js";

// Clients that never authenticate must not hold memory or connections: checks happen before
// a body is read, and slow or stalled requests are cut off by the server's timeouts.

let api: TestApi;
const requestTimeoutMs = 2000;

const redis = new Redis(inject("redisUrl"), { maxRetriesPerRequest: null });
const queues = createJobQueues({ connection: redis, prefix: uniqueRedisPrefix() });
afterAll(async () => {
  await queues.close();
  redis.disconnect();
});

beforeAll(async () => {
  api = await startTestApi({
    queues,
    env: {
      GITHUB_WEBHOOK_SECRET: "hostile-connections-secret",
      SLIPWAY_REQUEST_TIMEOUT_MS: String(requestTimeoutMs),
      SLIPWAY_IDLE_TIMEOUT_MS: String(requestTimeoutMs),
    },
  });
});

function open(): Promise<Socket> {
  const { hostname, port } = new URL(api.url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) }, () => resolve(socket));
    socket.once("error", reject);
  });
}

/** Sends only the head of a request with a large declared body, and reads what comes back. */
async function headOnly(path: string, headers: Record<string, string>) {
  const socket = await open();
  const answer = new Promise<string>((resolve) => {
    let text = "";
    socket.on("data", (chunk) => {
      text += chunk.toString("latin1");
      if (text.includes("\r\n\r\n")) resolve(text);
    });
    socket.on("close", () => resolve(text));
  });
  socket.write(
    `POST ${path} HTTP/1.1\r\nhost: localhost\r\ncontent-length: 104857600\r\n${Object.entries(
      headers,
    )
      .map(([name, value]) => `${name}: ${value}\r\n`)
      .join("")}\r\n`,
  );
  const text = await answer;
  socket.destroy();
  return text;
}

describe("before the body", () => {
  it("answers 401 to a percent-encoded path of an authenticated route, without reading the body", async () => {
    for (const path of [
      "/%76%32/deployments.createDeploymentFromSource?project=a&app=b&environment=c",
      "/v2/deployments%2EcreateDeploymentFromSource?project=a&app=b&environment=c",
    ]) {
      const head = await headOnly(path, { "content-type": "application/gzip" });
      expect(head, path).toMatch(/^HTTP\/1\.1 401 /);
      expect(head).toContain("x-request-id: req_");
    }
  });

  it("answers 401 to a webhook without a signature, without reading the body", async () => {
    const head = await headOnly("/webhooks/github", {
      "content-type": "application/json",
      "x-github-event": "push",
      "x-github-delivery": "d1",
    });
    expect(head).toMatch(/^HTTP\/1\.1 401 /);
  });
});

describe("slow and stalled requests", () => {
  it("closes every connection that sends part of a body and stops, and lets go of what it read", async () => {
    const before = process.memoryUsage().arrayBuffers;
    const started = Date.now();
    const sockets = await Promise.all(Array.from({ length: 20 }, open));
    const closed = sockets.map(
      (socket) => new Promise<number>((resolve) => socket.on("close", () => resolve(Date.now()))),
    );
    for (const socket of sockets) {
      socket.on("error", () => undefined);
      socket.write(
        "POST /webhooks/github HTTP/1.1\r\nhost: localhost\r\ncontent-type: application/json\r\n" +
          `x-hub-signature-256: sha256=${"0".repeat(64)}\r\ncontent-length: 26000000\r\n\r\n`,
      );
      // A partial body (512 KiB), then nothing more.
      socket.write(Buffer.alloc(512 * 1024, 0x20));
    }
    const closedAt = await Promise.all(closed);
    const longest = Math.max(...closedAt) - started;
    // Cut off by the request timeout (plus the server's check interval), not left for minutes.
    expect(longest).toBeLessThan(requestTimeoutMs + 10_000);
    global.gc?.();
    await new Promise((resolve) => setTimeout(resolve, 200));
    // What the 20 partial bodies held (10 MiB) is not kept once they are gone.
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(32 * 1024 * 1024);
  }, 60_000);
});
