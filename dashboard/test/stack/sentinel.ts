import { type ChildProcess, spawn } from "node:child_process";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { findFreePort } from "@slipway/shared/free-ports";

/**
 * A real Sentinel for the browser tests (`sentinel/src/main.ts`, its own process, configured by
 * env as in production) on the stack's PostgreSQL and Redis, and the one app instance it routes
 * to. control-plane/test/harness/sentinel-process.ts does the same for vitest, but registers
 * its teardown with vitest's afterAll, which this plain Node process (Playwright's global
 * setup) cannot load.
 */

/** The app behind Sentinel: answers 200 `upstream says hello` to every request. */
export async function startTinyUpstream(): Promise<{ port: number; close: () => Promise<void> }> {
  const server = http.createServer((request, response) => {
    request.resume();
    request.on("end", () => {
      response.setHeader("content-type", "text/plain");
      response.end("upstream says hello");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface RunningSentinel {
  port: number;
  stop: () => Promise<void>;
}

/** Starts Sentinel with `env` and resolves once it listens (after reading its first config). */
export async function startSentinel(env: Record<string, string>): Promise<RunningSentinel> {
  const port = await findFreePort();
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) =>
        !["KUBECONFIG", "DATABASE_URL", "REDIS_URL", "SLIPWAY_QUEUE_PREFIX"].includes(name) &&
        !name.startsWith("SENTINEL_"),
    ),
  );
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: fileURLToPath(new URL("../../../sentinel/", import.meta.url)),
    env: {
      ...inherited,
      SLIPWAY_REGION: "eu-1",
      SENTINEL_HOST: "127.0.0.1",
      SENTINEL_PORT: String(port),
      SENTINEL_ADMIN_HOST: "127.0.0.1",
      SENTINEL_ADMIN_PORT: String(await findFreePort()),
      SENTINEL_DRAIN_TIMEOUT_MS: "1000",
      // One process: the machine is shared, and one worker sees every change the same moment.
      SENTINEL_WORKERS: "1",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output: string[] = [];
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`sentinel did not listen within 90 s:\n${output.join("")}`)),
      90_000,
    );
    child.stdout!.on("data", (chunk: Buffer) => {
      const text = chunk.toString();
      if (output.length < 200) output.push(text);
      if (text.includes('"sentinel listening"')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.stderr!.on("data", (chunk: Buffer) => {
      if (output.length < 200) output.push(chunk.toString());
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`sentinel exited with ${code} before listening:\n${output.join("")}`));
    });
  });
  return {
    port,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000))]);
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    },
  };
}
