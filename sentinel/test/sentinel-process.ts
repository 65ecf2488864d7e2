import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { findFreePorts } from "@slipway/shared/free-ports";

const sentinelDir = fileURLToPath(new URL("..", import.meta.url));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface SentinelProcess {
  port: number;
  adminPort: number;
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

/** A plain GET on a fresh connection: status and body, or the connect error's code. */
export function get(
  port: number,
  path: string,
  host = "localhost",
): Promise<{ status: number; body: string } | { error: string }> {
  return new Promise((resolve) => {
    http
      .get({ host: "127.0.0.1", port, path, headers: { host }, agent: false }, (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          body += chunk;
        });
        res.on("end", () => resolve({ status: res.statusCode!, body }));
      })
      .on("error", (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? "error" }));
  });
}

/** `npm run sentinel` as a real process (src/main.ts) with a config file, ready to serve. */
export async function startSentinelProcess(
  config: unknown,
  env: Record<string, string>,
): Promise<SentinelProcess> {
  const dir = mkdtempSync(join(tmpdir(), "sentinel-process-"));
  const configFile = join(dir, "sentinel.json");
  writeFileSync(configFile, JSON.stringify(config));
  const [port, adminPort] = (await findFreePorts(2)) as [number, number];
  // Routes and instances come from the config file: no database, Redis or EndpointSlice watch
  // even when the suite's setup has set their variables.
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) =>
        !["KUBECONFIG", "DATABASE_URL", "REDIS_URL"].includes(name) &&
        !name.startsWith("SENTINEL_"),
    ),
  );
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: sentinelDir,
    env: {
      ...inherited,
      SLIPWAY_REGION: "eu-1",
      SENTINEL_CONFIG_FILE: configFile,
      SENTINEL_HOST: "127.0.0.1",
      SENTINEL_PORT: String(port),
      SENTINEL_ADMIN_HOST: "127.0.0.1",
      SENTINEL_ADMIN_PORT: String(adminPort),
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (chunk) => {
    output += chunk;
  });
  child.stderr!.on("data", (chunk) => {
    output += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  const deadline = Date.now() + 60_000;
  for (;;) {
    const ready = await get(adminPort, "/readyz");
    if ("status" in ready && ready.status === 200) break;
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`sentinel did not become ready:\n${output}`);
    }
    await sleep(100);
  }
  return {
    port,
    adminPort,
    child,
    output: () => output,
    exited,
    async stop() {
      if (child.exitCode === null) child.kill("SIGTERM");
      await Promise.race([exited, sleep(15_000)]);
      if (child.exitCode === null) child.kill("SIGKILL");
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The value of one exposition sample, e.g. `sentinel_workers` or `x_total{a="b"}`. */
export function sample(exposition: string, series: string): number | undefined {
  for (const line of exposition.split("\n")) {
    if (line.startsWith(`${series} `)) return Number(line.slice(series.length + 1));
  }
  return undefined;
}
