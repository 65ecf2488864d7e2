import { createConnection, createServer } from "node:net";
import { join } from "node:path";
import { type ChildService, startChildService, waitForService } from "./child-service.js";
import { ServiceStartError } from "./processes.js";
import { REPO_ROOT, tsEntryArgs } from "./repo-paths.js";
import { type Backing, sentinelEnv } from "./service-env.js";

export interface LocalSentinel {
  service: ChildService;
  /** host:port it serves HTTP/1.1 and h2c on. */
  address: string;
}

function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    socket.setTimeout(1000);
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
    socket.once("timeout", () => {
      socket.destroy();
      resolve(false);
    });
  });
}

function isFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen({ host, port }, () => server.close(() => resolve(true)));
  });
}

/** Sentinel as its own process (sentinel/src/main.ts) on the control plane's database and Redis. */
export async function startLocalSentinel(
  input: Backing & {
    port: number;
    controlPlaneUrl: string;
    sentinelToken: string;
    logDir: string;
    /** Called as soon as the process exists, before it is ready, so a Ctrl-C can stop it. */
    onSpawned(service: ChildService): void;
  },
): Promise<LocalSentinel> {
  const env = sentinelEnv(process.env, input);
  const host = env.SENTINEL_HOST ?? "127.0.0.1";
  // Checked first: something else answering on the port would look like Sentinel being ready.
  if (!(await isFree(host, input.port))) {
    throw new ServiceStartError(
      `Sentinel's port ${host}:${input.port} is in use; set SENTINEL_PORT to a free port`,
    );
  }
  const service = startChildService(
    "sentinel",
    process.execPath,
    tsEntryArgs(join(REPO_ROOT, "sentinel/src/main.ts")),
    join(input.logDir, "sentinel.log"),
    env,
    REPO_ROOT,
  );
  input.onSpawned(service);
  await waitForService(service, () => accepts(host, input.port), 60_000);
  return {
    service,
    address: `${host}:${input.port}`,
  };
}
