import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { createConnection } from "node:net";
import { join } from "node:path";
import { findFreePort } from "@slipway/shared/free-ports";
import { readLogTail } from "@slipway/shared/log-tail";
import { ServiceStartError, sleep, spawnLogged, stopLeftover } from "./processes.js";

export interface RunningRedis {
  url: string;
  port: number;
  pid: number;
  stop(): Promise<void>;
}

export interface StartRedisOptions {
  dataDir: string;
  /** A local install keeps an append-only file so a restart loses no queued job. */
  durable: boolean;
  port?: number;
  /** Addresses to listen on besides 127.0.0.1 (e.g. a bridge that pods reach the host on). */
  extraBindAddresses?: readonly string[];
}

function findRedisServer(): string {
  const found = spawnSync("sh", ["-c", "command -v redis-server"], {
    encoding: "utf8",
  }).stdout.trim();
  if (!found) {
    throw new ServiceStartError(
      "redis-server not found: install it with `apt-get install redis-server` " +
        "(or run `npm run setup` as root).",
    );
  }
  return found;
}

async function ping(port: number): Promise<boolean> {
  return await new Promise((resolve) => {
    const socket = createConnection({ host: "127.0.0.1", port });
    socket.setTimeout(1000);
    socket.once("connect", () => socket.write("PING\r\n"));
    socket.once("data", (data) => {
      socket.destroy();
      resolve(data.toString().startsWith("+PONG"));
    });
    socket.once("error", () => resolve(false));
    socket.once("timeout", () => {
      socket.destroy();
      resolve(false);
    });
  });
}

export async function startRedis(options: StartRedisOptions): Promise<RunningRedis> {
  const binary = findRedisServer();
  mkdirSync(options.dataDir, { recursive: true });
  const port = options.port ?? (await findFreePort());
  const logFile = join(options.dataDir, "redis.log");
  const pidFile = join(options.dataDir, "redis.pid");
  if (existsSync(pidFile))
    await stopLeftover(Number(readFileSync(pidFile, "utf8").trim()), "redis-server", "SIGTERM");
  const args = [
    "--port",
    String(port),
    "--bind",
    "127.0.0.1",
    ...(options.extraBindAddresses ?? []),
    // Redis refuses clients off loopback while the default user has no password; addresses
    // given here are asked for on purpose (a test's pod bridge), so it serves them.
    ...(options.extraBindAddresses?.length ? ["--protected-mode", "no"] : []),
    "--dir",
    options.dataDir,
    "--save",
    "",
    "--appendonly",
    options.durable ? "yes" : "no",
    "--daemonize",
    "no",
    "--pidfile",
    pidFile,
  ];
  const child = spawnLogged(binary, args, logFile);
  const deadline = Date.now() + 15_000;
  while (!(await ping(port))) {
    if (child.exitCode !== null) {
      throw new ServiceStartError(
        `redis-server exited during start:\n${await readLogTail(logFile, 20)}`,
      );
    }
    if (Date.now() > deadline) {
      throw new ServiceStartError(
        `redis-server did not answer within 15 s:\n${await readLogTail(logFile, 20)}`,
      );
    }
    await sleep(50);
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    pid: child.pid!,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      process.kill(child.pid!, "SIGTERM");
      await Promise.race([exited, sleep(10_000)]);
    },
  };
}
