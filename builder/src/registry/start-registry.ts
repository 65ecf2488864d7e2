import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { findFreePort } from "@slipway/shared/free-ports";
import { readLogTail } from "@slipway/shared/log-tail";
import { MissingPrerequisiteError } from "@slipway/shared/tool-errors";
import { type DaemonProcess, startDaemon, stopDaemon } from "../daemon/process.js";
import { DaemonStartError } from "../errors.js";
import { makeRegistryConfigYaml } from "./registry-config.js";

export const REGISTRY_BINARY = "/usr/bin/docker-registry";

export interface LocalRegistry {
  /** host:port, e.g. 127.0.0.1:41234. */
  host: string;
  url: string;
  process: DaemonProcess;
  stop(): Promise<void>;
}

/** Starts Debian's docker-registry on a free loopback port with storage under workDir. */
export async function startRegistry(
  workDir: string,
  options: { binary?: string; htpasswd?: string } = {},
): Promise<LocalRegistry> {
  const binary = options.binary ?? REGISTRY_BINARY;
  if (!existsSync(binary)) {
    throw new MissingPrerequisiteError(
      `${binary} is missing; install Debian's registry: apt-get install docker-registry`,
    );
  }
  const port = await findFreePort();
  const storageDir = join(workDir, "registry-data");
  await mkdir(storageDir, { recursive: true });
  const configFile = join(workDir, "registry.yml");
  let htpasswdFile: string | undefined;
  if (options.htpasswd) {
    htpasswdFile = join(workDir, "htpasswd");
    await writeFile(htpasswdFile, options.htpasswd, { mode: 0o600 });
  }
  await writeFile(configFile, makeRegistryConfigYaml({ storageDir, port, htpasswdFile }));
  const logFile = join(workDir, "registry.log");
  const daemon = startDaemon("docker-registry", binary, ["serve", configFile], logFile, {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
  });
  const host = `127.0.0.1:${port}`;
  const url = `http://${host}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (daemon.exit) {
      throw new DaemonStartError(
        `docker-registry exited while starting (log: ${logFile})`,
        await readLogTail(logFile),
      );
    }
    const ok = await fetch(`${url}/v2/`).then(
      // With auth on, /v2/ answers 401: any such answer means it is up.
      (r) => r.ok || r.status === 401,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) {
      await stopDaemon(daemon);
      throw new DaemonStartError(
        `docker-registry did not answer on ${url}/v2/ within 20 s`,
        await readLogTail(logFile),
      );
    }
    await sleep(100);
  }
  return { host, url, process: daemon, stop: () => stopDaemon(daemon) };
}
