import http, { type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { newId } from "@slipway/shared";
import type {
  ConfigSnapshot,
  KeyVerification,
  KeyVerificationRequest,
  KeyVerifier,
  RequestLogRecord,
  RouteConfig,
} from "@slipway/shared/gateway";
import { type PolicyInput, policySchema } from "@slipway/shared/policy";
import { H2cForwarder } from "../src/forward/h2c-forwarder.js";
import { RawHttp1Forwarder } from "../src/forward/raw/raw-http1-forwarder.js";
import { LogBatcher } from "../src/logs/log-batcher.js";
import { MemoryRateLimiter } from "../src/policies/memory-rate-limiter.js";
import { parseTrustedProxies } from "../src/request/client-ip.js";
import {
  type Instance,
  type InstanceSource,
  StaticInstanceSource,
} from "../src/routing/instances.js";
import { LiveRouteTable } from "../src/routing/route-table.js";
import { type Http1Engine, SentinelServer } from "../src/server/listener.js";
import type { SentinelDeps } from "../src/server/sentinel-deps.js";

export class FakeKeyVerifier implements KeyVerifier {
  calls: KeyVerificationRequest[] = [];
  answers = new Map<string, KeyVerification>();
  async verify(request: KeyVerificationRequest): Promise<KeyVerification> {
    this.calls.push(request);
    return this.answers.get(request.key) ?? { valid: false, code: "NOT_FOUND" };
  }
}

export interface TestSentinel {
  url: string;
  port: number;
  instances: StaticInstanceSource;
  routes: LiveRouteTable;
  keys: FakeKeyVerifier;
  logs: RequestLogRecord[];
  batcher: LogBatcher;
  server: SentinelServer;
  setRoutes(routes: RouteConfig[]): void;
  close(): Promise<void>;
}

export function route(
  host: string,
  deploymentId: string,
  policies: PolicyInput[] = [],
  upstreamProtocol: RouteConfig["upstreamProtocol"] = "http1",
): RouteConfig {
  return {
    hosts: [host],
    environmentId: `env_${deploymentId}`,
    deploymentId,
    upstreamProtocol,
    policies: policies.map((policy, i) => ({ id: `pol_${i}`, ...policySchema.parse(policy) })),
  };
}

export async function startSentinel(
  options: {
    region?: string;
    proximity?: string[];
    trustedProxies?: string[];
    keepAliveTimeoutMs?: number;
    headersTimeoutMs?: number;
    /** Who serves HTTP/1.1 clients (SENTINEL_HTTP1_ENGINE); Sentinel's own by default. */
    http1Engine?: Http1Engine;
    upstreamHeadersTimeoutMs?: number;
    upstreamKeepAliveMs?: number;
    /** Defaults to a StaticInstanceSource the test fills. */
    instances?: InstanceSource;
    waker?: SentinelDeps["waker"];
    activity?: SentinelDeps["activity"];
  } = {},
): Promise<TestSentinel> {
  const staticInstances = new StaticInstanceSource();
  const routes = new LiveRouteTable();
  const keys = new FakeKeyVerifier();
  const logs: RequestLogRecord[] = [];
  const batcher = new LogBatcher(
    { write: async (records) => void logs.push(...records) },
    { flushIntervalMs: 10 },
  );
  const deps: SentinelDeps = {
    settings: {
      region: { own: options.region ?? "eu-1", proximity: options.proximity ?? [] },
      trustedProxies: parseTrustedProxies(options.trustedProxies ?? []),
      maxHops: 5,
      stripCredentials: true,
      maxAttempts: 3,
    },
    routes,
    instances: options.instances ?? staticInstances,
    keyVerifier: keys,
    rateLimiter: new MemoryRateLimiter(),
    forwarders: {
      http1: new RawHttp1Forwarder({
        keepAliveTimeoutMs: options.upstreamKeepAliveMs ?? 4000,
        connectTimeoutMs: 2000,
        headersTimeoutMs: options.upstreamHeadersTimeoutMs ?? 10_000,
        bodyTimeoutMs: 30_000,
        connectionsPerInstance: 64,
      }),
      h2c: new H2cForwarder({
        connectTimeoutMs: 2000,
        headersTimeoutMs: options.upstreamHeadersTimeoutMs ?? 10_000,
        idleTimeoutMs: 30_000,
      }),
    },
    logs: batcher,
    ...(options.waker ? { waker: options.waker } : {}),
    ...(options.activity ? { activity: options.activity } : {}),
    clock: Date.now,
    monotonic: () => performance.now(),
    newRequestId: () => newId("request"),
    onError: () => undefined,
  };
  const server = new SentinelServer(
    deps,
    {
      headersTimeoutMs: options.headersTimeoutMs ?? 5000,
      requestTimeoutMs: 60_000,
      keepAliveTimeoutMs: options.keepAliveTimeoutMs ?? 5000,
      connectTimeoutMs: 2000,
    },
    options.http1Engine,
  );
  const address = await server.listen(0, "127.0.0.1");
  return {
    url: `http://127.0.0.1:${address.port}`,
    port: address.port,
    instances: staticInstances,
    routes,
    keys,
    logs,
    batcher,
    server,
    setRoutes(list) {
      const snapshot: ConfigSnapshot = { version: String(Date.now()), routes: list };
      const error = routes.apply(snapshot);
      if (error) throw error;
    },
    async close() {
      await server.drain(1000);
      await deps.forwarders.http1.close();
      await deps.forwarders.h2c.close();
      await batcher.flush();
    },
  };
}

export interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  rawHeaders: string[];
  body: string;
}

/** An HTTP/1.1 upstream that records what it received. */
export async function startUpstream(
  name: string,
  respond?: (req: http.IncomingMessage, res: http.ServerResponse, body: string) => void,
): Promise<{
  instance: (region: string) => Instance;
  received: Received[];
  server: http.Server;
  port: number;
  close(): Promise<void>;
}> {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString();
      received.push({
        method: req.method!,
        url: req.url!,
        headers: req.headers,
        rawHeaders: req.rawHeaders,
        body,
      });
      if (respond) return respond(req, res, body);
      res.setHeader("content-type", "text/plain");
      res.end(`hello from ${name}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    received,
    server,
    port,
    instance: (region) => ({ id: name, address: "127.0.0.1", port, region }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A port nothing listens on (connect is refused). */
export async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A raw HTTP/1.1 request (undici/fetch would refuse some of the headers tests send). */
export function rawRequest(
  port: number,
  options: {
    method?: string;
    path: string;
    headers: Record<string, string | string[]>;
    body?: string;
  },
): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: "127.0.0.1",
        port,
        method: options.method ?? "GET",
        path: options.path,
        headers: options.headers,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () =>
          resolve({
            status: res.statusCode!,
            headers: res.headers,
            body: Buffer.concat(chunks).toString(),
          }),
        );
      },
    );
    req.on("error", reject);
    req.end(options.body);
  });
}
