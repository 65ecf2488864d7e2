import { type ChildProcess, spawn } from "node:child_process";
import http, { type IncomingHttpHeaders } from "node:http";
import net from "node:net";
import { join } from "node:path";
import { findFreePort } from "@slipway/shared/free-ports";
import { onHarnessTeardown } from "@slipway/shared/harness-teardown";

/**
 * End-to-end checks of Sentinel on the control plane's real data: `npm run sentinel` as its own
 * process (configured by env exactly as in production), upstream HTTP servers that record what
 * reached them, and a TCP proxy in front of PostgreSQL that a test can cut. Everything started
 * here stops when the file ends.
 */

export interface UpstreamRequest {
  path: string;
  headers: IncomingHttpHeaders;
}

export interface TestUpstream {
  port: number;
  label: string;
  requests: UpstreamRequest[];
}

/** An app instance: answers 200 with its label and records every request it received. */
export async function startUpstream(label: string): Promise<TestUpstream> {
  const requests: UpstreamRequest[] = [];
  const server = http.createServer((request, response) => {
    requests.push({ path: request.url ?? "", headers: request.headers });
    request.resume();
    request.on("end", () => response.end(label));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  onHarnessTeardown(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return { port: (server.address() as net.AddressInfo).port, label, requests };
}

export interface SentinelProcess {
  port: number;
  child: ChildProcess;
  output: string[];
  /** One request through this Sentinel with `Host: host`. */
  get(
    host: string,
    path?: string,
    headers?: Record<string, string>,
  ): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }>;
  stop(): Promise<void>;
  /** Resolves once it listens (after its first config); rejects if it exits first. */
  listening: Promise<void>;
}

/** `npm run sentinel` with `env` on top of this process's; resolves once it listens. */
export async function startSentinel(env: Record<string, string>): Promise<SentinelProcess> {
  const sentinel = await spawnSentinel(env);
  await sentinel.listening;
  return sentinel;
}

/** `npm run sentinel` with `env` on top of this process's, not waiting for it to listen. */
export async function spawnSentinel(env: Record<string, string>): Promise<SentinelProcess> {
  // A port the caller chose (to tell the control plane where apps are reached), or a free one.
  const port = env.SENTINEL_PORT ? Number(env.SENTINEL_PORT) : await findFreePort();
  // Only what the test names: a KUBECONFIG or database another project's global setup put in
  // this process's environment would silently change where Sentinel finds its instances.
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) =>
        !["KUBECONFIG", "DATABASE_URL", "REDIS_URL", "SLIPWAY_QUEUE_PREFIX"].includes(name) &&
        !name.startsWith("SENTINEL_"),
    ),
  );
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: join(import.meta.dirname, "../../../sentinel"),
    env: {
      ...inherited,
      SLIPWAY_REGION: "eu-1",
      SENTINEL_HOST: "127.0.0.1",
      SENTINEL_PORT: String(port),
      // Several Sentinels run at once (and the default admin port may be taken): never 9090.
      SENTINEL_ADMIN_HOST: "127.0.0.1",
      SENTINEL_ADMIN_PORT: String(await findFreePort()),
      SENTINEL_DRAIN_TIMEOUT_MS: "1000",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output: string[] = [];
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGKILL");
    await exited;
  };
  onHarnessTeardown(stop);
  const listening = new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      const text = chunk.toString();
      output.push(text);
      if (text.includes('"sentinel listening"')) resolve();
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", (chunk: Buffer) => output.push(chunk.toString()));
    child.once("exit", (code) =>
      reject(new Error(`sentinel exited with ${code} before listening:\n${output.join("")}`)),
    );
  });
  listening.catch(() => undefined); // a caller that never waits for it is told nothing
  return {
    port,
    child,
    output,
    stop,
    listening,
    get: (host, path = "/", headers = {}) =>
      new Promise((resolve, reject) => {
        const request = http.request(
          { host: "127.0.0.1", port, path, headers: { host, ...headers }, agent: false },
          (response) => {
            let body = "";
            response.setEncoding("utf8");
            response.on("data", (chunk: string) => {
              body += chunk;
            });
            response.on("end", () =>
              resolve({ status: response.statusCode ?? 0, headers: response.headers, body }),
            );
          },
        );
        request.on("error", reject);
        request.end();
      }),
  };
}

export interface CuttableProxy {
  url: string;
  /** Refuses new connections and drops every open one, as a database host going away. */
  cut(): Promise<void>;
  restore(): Promise<void>;
}

/** A TCP proxy to the database in `databaseUrl`; `url` is the same database through it. */
export async function startDatabaseProxy(databaseUrl: string): Promise<CuttableProxy> {
  const target = new URL(databaseUrl);
  const sockets = new Set<net.Socket>();
  const port = await findFreePort();
  let server: net.Server | undefined;
  const listen = () =>
    new Promise<void>((resolve) => {
      server = net.createServer((client) => {
        const upstream = net.connect(Number(target.port || 5432), target.hostname);
        for (const socket of [client, upstream]) {
          sockets.add(socket);
          socket.on("close", () => sockets.delete(socket));
          socket.on("error", () => socket.destroy());
        }
        client.pipe(upstream).pipe(client);
        client.on("close", () => upstream.destroy());
        upstream.on("close", () => client.destroy());
      });
      server.listen(port, "127.0.0.1", resolve);
    });
  const cut = async () => {
    const closing = server;
    server = undefined;
    // A closed server settles only once its connections are gone: destroy them too.
    const closed = closing
      ? new Promise<void>((resolve) => closing.close(() => resolve()))
      : Promise.resolve();
    for (const socket of sockets) socket.destroy();
    await closed;
  };
  await listen();
  onHarnessTeardown(cut);
  const proxied = new URL(databaseUrl);
  proxied.hostname = "127.0.0.1";
  proxied.port = String(port);
  return { url: proxied.toString(), cut, restore: listen };
}

/**
 * Polls `check` until it returns true; fails after `boundMs`. The bound only stops a broken
 * test: it is far above what the feature promises and below Sentinel's 30 s resync, so a
 * change seen in time arrived by notification. The time it took is returned for the report.
 */
export async function eventually(check: () => Promise<boolean>, boundMs = 10_000) {
  const started = performance.now();
  for (;;) {
    if (await check()) return performance.now() - started;
    if (performance.now() - started > boundMs) throw new Error(`not within ${boundMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
