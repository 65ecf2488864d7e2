import { spawnSync } from "node:child_process";
import { chownSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { findFreePort } from "@slipway/shared/free-ports";
import { readLogTail } from "@slipway/shared/log-tail";
import pg from "pg";
import {
  isRoot,
  type RunAs,
  runChecked,
  ServiceStartError,
  sleep,
  spawnLogged,
  stopLeftover,
} from "./processes.js";

export interface RunningPostgres {
  /** Connection URL of the `postgres` superuser database. */
  adminUrl: string;
  port: number;
  pid: number;
  stop(): Promise<void>;
}

export interface StartPostgresOptions {
  dataDir: string;
  /** Throwaway clusters trade durability for speed; a local install keeps fsync on. */
  durable: boolean;
  port?: number;
  /** More `name=value` server settings (the webhook bench tries WAL settings with these). */
  settings?: readonly string[];
}

/** Finds the newest installed PostgreSQL server binaries (Debian keeps them off PATH). */
export function findPostgresBin(): string {
  const root = "/usr/lib/postgresql";
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((name) => existsSync(join(root, name, "bin", "initdb")))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions.length > 0) return join(root, versions[0]!, "bin");
  const onPath = spawnSync("sh", ["-c", "command -v initdb"], { encoding: "utf8" }).stdout.trim();
  if (onPath) return onPath.replace(/\/initdb$/, "");
  throw new ServiceStartError(
    "PostgreSQL server binaries not found: install them with `apt-get install postgresql` " +
      "(or run `npm run setup` as root).",
  );
}

/**
 * PostgreSQL refuses to run as root, so as root the cluster belongs to the `postgres` user.
 * Spawning with its uid (rather than through runuser) keeps the child pid the server's own.
 */
function serviceUser(): RunAs | undefined {
  if (!isRoot()) return undefined;
  const ids = spawnSync("id", ["-u", "postgres"], { encoding: "utf8" });
  const gids = spawnSync("id", ["-g", "postgres"], { encoding: "utf8" });
  if (ids.status !== 0) {
    throw new ServiceStartError(
      "running as root but there is no `postgres` user to own the database: " +
        "install PostgreSQL with `apt-get install postgresql`.",
    );
  }
  return { uid: Number(ids.stdout.trim()), gid: Number(gids.stdout.trim()) };
}

function chownToPostgres(path: string): void {
  const user = serviceUser();
  if (user) chownSync(path, user.uid, user.gid);
}

/** As root, every directory above the data directory must be enterable by `postgres`. */
export function postgresCanEnter(path: string): boolean {
  if (!isRoot()) return true;
  return spawnSync("runuser", ["-u", "postgres", "--", "test", "-x", path]).status === 0;
}

function assertServiceUserCanEnter(path: string): void {
  if (!postgresCanEnter(path)) {
    throw new ServiceStartError(
      `PostgreSQL runs as the 'postgres' user and cannot enter ${path}: ` +
        "give the parent directories o+x, or choose another directory with SLIPWAY_DATA_DIR.",
    );
  }
}

export async function startPostgres(options: StartPostgresOptions): Promise<RunningPostgres> {
  const bin = findPostgresBin();
  const pgData = join(options.dataDir, "pgdata");
  const socketDir = join(options.dataDir, "socket");
  const logFile = join(options.dataDir, "postgres.log");
  mkdirSync(options.dataDir, { recursive: true });
  chownToPostgres(options.dataDir);
  assertServiceUserCanEnter(options.dataDir);
  for (const dir of [socketDir]) {
    mkdirSync(dir, { recursive: true });
    chownToPostgres(dir);
  }
  if (!existsSync(join(pgData, "PG_VERSION"))) {
    rmSync(pgData, { recursive: true, force: true });
    runChecked(
      join(bin, "initdb"),
      ["-D", pgData, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-locale"],
      "initdb",
      serviceUser(),
    );
  }
  await stopLeftoverPostmaster(pgData);
  const port = options.port ?? (await findFreePort());
  const settings = [
    `-p ${port}`,
    `-k ${socketDir}`,
    "-c listen_addresses=127.0.0.1",
    "-c max_connections=200",
    ...(options.durable
      ? // Group commit: with 3 or more other transactions open, a commit waits up to 1 ms so
        // one WAL flush covers them all. Every commit still waits for its flush (durability
        // unchanged). In the webhook bench (workers committing several times per delivery)
        // it helped in some runs and not in others: see BENCHMARKS.md.
        ["-c commit_delay=1000", "-c commit_siblings=3"]
      : ["-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off"]),
    ...(options.settings ?? []).map((setting) => `-c ${setting}`),
  ];
  const args = ["-D", pgData, ...settings.flatMap((setting) => setting.split(" "))];
  const child = spawnLogged(join(bin, "postgres"), args, logFile, serviceUser());
  chownToPostgres(logFile);
  const adminUrl = `postgres://postgres@127.0.0.1:${port}/postgres`;
  await waitForPostgres(adminUrl, () => child.exitCode, logFile);
  return {
    adminUrl,
    port,
    pid: child.pid!,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      // SIGINT is PostgreSQL's "fast shutdown": it ends sessions and checkpoints.
      process.kill(child.pid!, "SIGINT");
      await Promise.race([exited, sleep(10_000)]);
    },
  };
}

/** The first line of postmaster.pid is the pid of a server that may still be running. */
async function stopLeftoverPostmaster(pgData: string): Promise<void> {
  const pidFile = join(pgData, "postmaster.pid");
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, "utf8").split("\n")[0]);
  await stopLeftover(pid, "postgres", "SIGINT");
}

async function waitForPostgres(
  url: string,
  exitCode: () => number | null,
  logFile: string,
): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (exitCode() !== null) {
      throw new ServiceStartError(
        `PostgreSQL exited during start:\n${await readLogTail(logFile, 20)}`,
      );
    }
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      await client.query("select 1");
      await client.end();
      return;
    } catch (error) {
      await client.end().catch(() => {});
      if (Date.now() > deadline) {
        throw new ServiceStartError(
          `PostgreSQL did not accept connections within 30 s:\n${await readLogTail(logFile, 20)}`,
          {
            cause: error,
          },
        );
      }
      await sleep(100);
    }
  }
}
