import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { chownSync, existsSync, mkdirSync, openSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { findFreePort } from "@slipway/shared/free-ports";
import pg from "pg";

// A minimal copy of the control plane's src/local/{postgres,redis}.ts: throwaway servers from
// the machine's binaries. Copied because no package imports a service's src/.

export interface RunningServer {
  url: string;
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function postgresBin(): string {
  const root = "/usr/lib/postgresql";
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((name) => existsSync(join(root, name, "bin", "initdb")))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions.length === 0)
    throw new Error("PostgreSQL binaries not found under /usr/lib/postgresql");
  return join(root, versions[0]!, "bin");
}

/** PostgreSQL refuses to run as root: as root the throwaway cluster belongs to `postgres`. */
function postgresUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const uid = spawnSync("id", ["-u", "postgres"], { encoding: "utf8" }).stdout.trim();
  const gid = spawnSync("id", ["-g", "postgres"], { encoding: "utf8" }).stdout.trim();
  return { uid: Number(uid), gid: Number(gid) };
}

function spawnLogged(
  command: string,
  args: string[],
  logFile: string,
  runAs?: { uid: number; gid: number },
): ChildProcess {
  const log = openSync(logFile, "a");
  const child = spawn(command, args, { stdio: ["ignore", log, log], detached: true, ...runAs });
  child.unref();
  return child;
}

function stopper(child: ChildProcess, signal: NodeJS.Signals) {
  return async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    process.kill(child.pid!, signal);
    await Promise.race([exited, sleep(10_000)]);
  };
}

export async function startPostgres(dataDir: string): Promise<RunningServer> {
  const bin = postgresBin();
  const runAs = postgresUser();
  mkdirSync(dataDir, { recursive: true });
  if (runAs) chownSync(dataDir, runAs.uid, runAs.gid);
  const pgData = join(dataDir, "pgdata");
  const initdb = spawnSync(
    join(bin, "initdb"),
    ["-D", pgData, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-locale"],
    { encoding: "utf8", ...runAs },
  );
  if (initdb.status !== 0) throw new Error(`initdb failed: ${initdb.stderr}`);
  const port = await findFreePort();
  const logFile = join(dataDir, "postgres.log");
  const child = spawnLogged(
    join(bin, "postgres"),
    ["-D", pgData, "-p", String(port), "-k", dataDir, "-c", "listen_addresses=127.0.0.1"]
      .concat(["-c", "max_connections=200", "-c", "fsync=off", "-c", "synchronous_commit=off"])
      .concat(["-c", "full_page_writes=off"]),
    logFile,
    runAs,
  );
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      await client.end();
      break;
    } catch (error) {
      await client.end().catch(() => {});
      if (child.exitCode !== null || Date.now() > deadline) {
        throw new Error(`PostgreSQL did not start; see ${logFile}`, { cause: error });
      }
      await sleep(100);
    }
  }
  // SIGINT is PostgreSQL's fast shutdown.
  return { url, stop: stopper(child, "SIGINT") };
}

export async function startRedis(dataDir: string, port?: number): Promise<RunningServer> {
  mkdirSync(dataDir, { recursive: true });
  const redisPort = port ?? (await findFreePort());
  const child = spawnLogged(
    "redis-server",
    ["--port", String(redisPort), "--bind", "127.0.0.1", "--dir", dataDir, "--save", ""].concat([
      "--appendonly",
      "no",
      "--daemonize",
      "no",
    ]),
    join(dataDir, "redis.log"),
  );
  const deadline = Date.now() + 15_000;
  for (;;) {
    const pong = spawnSync("redis-cli", ["-p", String(redisPort), "ping"], { encoding: "utf8" });
    if (pong.stdout.trim() === "PONG") break;
    if (child.exitCode !== null || Date.now() > deadline) {
      throw new Error(`redis-server did not start; see ${join(dataDir, "redis.log")}`);
    }
    await sleep(50);
  }
  return { url: `redis://127.0.0.1:${redisPort}`, stop: stopper(child, "SIGTERM") };
}
