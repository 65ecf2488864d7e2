import { execFile } from "node:child_process";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { MissingPrerequisiteError } from "@slipway/shared/tool-errors";
import { type LayerEntry, makeOciImage, type OciImage } from "./oci-image.js";

const run = promisify(execFile);

/** The sandbox image containerd is told to use; served by the testbed's registry. */
export const PAUSE_IMAGE = "registry.k8s.io/pause:3.10";
/** busybox httpd serving /www on port 8080: the first real workload for the real node. */
export const HTTPD_IMAGE = "docker.io/slipway/busybox-httpd:1";
export const HTTPD_PORT = 8080;
export const HTTPD_PAGE = "<h1>hello from the slipway real node</h1>\n";
export const BUSYBOX = "/bin/busybox";

/**
 * What a pod sandbox runs: sleeps until told to stop and reaps orphans, like Kubernetes'
 * pause. Built static so the image needs no libc.
 */
export const PAUSE_SOURCE = `#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
static void stop(int sig) { (void)sig; _exit(0); }
static void reap(int sig) { (void)sig; while (waitpid(-1, 0, WNOHANG) > 0) {} }
int main(void) {
  struct sigaction action = {0};
  action.sa_handler = stop;
  sigaction(SIGINT, &action, 0);
  sigaction(SIGTERM, &action, 0);
  action.sa_handler = reap;
  action.sa_flags = SA_NOCLDSTOP;
  sigaction(SIGCHLD, &action, 0);
  for (;;) pause();
}
`;

/** Compiles the pause program with gcc -static into dir and returns its bytes. */
export async function buildPauseBinary(dir: string): Promise<Buffer> {
  await mkdir(dir, { recursive: true });
  const source = join(dir, "pause.c");
  const output = join(dir, "pause");
  await writeFile(source, PAUSE_SOURCE);
  try {
    await run("gcc", ["-static", "-Os", "-s", "-o", output, source]);
  } catch (error) {
    throw new MissingPrerequisiteError(
      `gcc -static could not build the pause image's program (Debian: apt-get install gcc libc6-dev): ${String((error as { stderr?: string }).stderr ?? error)}`,
    );
  }
  return readFile(output);
}

export function makePauseImage(pauseBinary: Buffer): OciImage {
  return makeOciImage({
    layers: [[{ type: "file", path: "pause", content: pauseBinary, mode: 0o755 }]],
    entrypoint: ["/pause"],
  });
}

/** A static busybox with the applets a test needs as links, and a page for httpd. */
export function makeBusyboxHttpdImage(
  busybox: Buffer,
  page: string = HTTPD_PAGE,
  /** e.g. "65534:65534", for clusters that run apps with runAsNonRoot; default root. */
  user?: string,
): OciImage {
  const applets = ["sh", "ip", "nc", "cat", "echo", "sleep", "httpd"];
  const entries: LayerEntry[] = [
    { type: "dir", path: "bin" },
    { type: "file", path: "bin/busybox", content: busybox, mode: 0o755 },
    ...applets.map((a): LayerEntry => ({ type: "symlink", path: `bin/${a}`, target: "busybox" })),
    { type: "dir", path: "www" },
    { type: "file", path: "www/index.html", content: Buffer.from(page) },
    { type: "dir", path: "tmp", mode: 0o1777 },
  ];
  return makeOciImage({
    layers: [entries],
    entrypoint: ["/bin/busybox", "httpd", "-f", "-v", "-p", String(HTTPD_PORT), "-h", "/www"],
    exposedPorts: [`${HTTPD_PORT}/tcp`],
    ...(user ? { user } : {}),
  });
}
