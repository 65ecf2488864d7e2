import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { promisify } from "node:util";
import { readLogTail } from "@slipway/shared/log-tail";
import { MissingPrerequisiteError } from "@slipway/shared/tool-errors";
import { type DaemonProcess, startDaemon, stopDaemon } from "../daemon/process.js";
import { DaemonStartError } from "../errors.js";
import { makeBuildkitdArgs, makeBuildkitdToml, type Snapshotter } from "./daemon-config.js";
import type { BuildkitBinaries } from "./ensure-buildkit.js";

const run = promisify(execFile);

export interface LocalBuildkit {
  addr: string;
  snapshotter: Snapshotter;
  process: DaemonProcess;
  startSeconds: number;
  stop(): Promise<void>;
}

export interface StartBuildkitOptions {
  binaries: BuildkitBinaries;
  /** A short path: the unix socket lives here and sun_path is limited to 107 bytes. */
  workDir: string;
  plainHttpRegistries: string[];
  /** A registry that stands in for docker.io and registry.k8s.io (see BuildkitdConfig). */
  mirrorRegistry?: string | undefined;
  log: (line: string) => void;
}

const DAEMON_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/**
 * Starts buildkitd as root with the runc (OCI) worker, on overlayfs; if overlayfs cannot be
 * used here (e.g. the state dir is itself on overlayfs), it falls back to the native
 * snapshotter and says so.
 */
export async function startBuildkitd(options: StartBuildkitOptions): Promise<LocalBuildkit> {
  if (process.getuid?.() !== 0) {
    throw new MissingPrerequisiteError(
      "buildkitd with the runc worker needs root; run the tests as root.",
    );
  }
  if (!["/usr/sbin/runc", "/usr/bin/runc"].some((path) => existsSync(path))) {
    throw new MissingPrerequisiteError("runc is missing; install it with: apt-get install runc");
  }
  try {
    return await startWith("overlayfs", options);
  } catch (error) {
    if (!(error instanceof DaemonStartError)) throw error;
    options.log(
      `buildkitd could not start with the overlayfs snapshotter; falling back to native:\n${error.logTail}`,
    );
    return await startWith("native", options);
  }
}

async function startWith(
  snapshotter: Snapshotter,
  options: StartBuildkitOptions,
): Promise<LocalBuildkit> {
  const started = Date.now();
  const dir = join(options.workDir, `buildkitd-${snapshotter}`);
  await mkdir(dir, { recursive: true });
  const addr = `unix://${join(dir, "buildkitd.sock")}`;
  const configFile = join(dir, "buildkitd.toml");
  await writeFile(
    configFile,
    makeBuildkitdToml({
      root: join(dir, "root"),
      addresses: [addr],
      snapshotter,
      plainHttpRegistries: options.plainHttpRegistries,
      mirrorRegistry: options.mirrorRegistry,
      gcKeepStorageMb: 2000,
      maxParallelism: 2,
    }),
  );
  const logFile = join(dir, "buildkitd.log");
  const daemon = startDaemon(
    "buildkitd",
    options.binaries.buildkitd,
    makeBuildkitdArgs(configFile),
    logFile,
    {
      PATH: DAEMON_PATH,
      HOME: process.env.HOME ?? "/root",
    },
  );
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (daemon.exit) {
      throw new DaemonStartError(
        `buildkitd (${snapshotter}) exited while starting (log: ${logFile})`,
        await readLogTail(logFile),
      );
    }
    const workers = await run(options.binaries.buildctl, ["--addr", addr, "debug", "workers"], {
      timeout: 5000,
    }).then(
      ({ stdout }) => stdout,
      () => "",
    );
    if (/\n\S+/.test(workers)) break;
    if (Date.now() > deadline) {
      await stopDaemon(daemon);
      throw new DaemonStartError(
        `buildkitd (${snapshotter}) did not become ready within 30 s`,
        await readLogTail(logFile),
      );
    }
    await sleep(200);
  }
  return {
    addr,
    snapshotter,
    process: daemon,
    startSeconds: (Date.now() - started) / 1000,
    stop: () => stopDaemon(daemon, 10_000),
  };
}
