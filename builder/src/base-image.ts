import { copyFile, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runBuild } from "./image-build/run-build.js";
import type { LocalBuildStack } from "./local-stack.js";

export const BUSYBOX = "/bin/busybox";

/**
 * A base image made here: `FROM scratch` + Debian's static busybox (apt-get install
 * busybox-static) with its applets linked into /bin, pushed to the local registry.
 */
export async function buildBaseImage(stack: LocalBuildStack): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "slipway-base-"));
  try {
    await copyFile(BUSYBOX, join(dir, "busybox"));
    await writeFile(
      join(dir, "Dockerfile"),
      [
        "FROM scratch",
        "COPY busybox /bin/busybox",
        'RUN ["/bin/busybox", "mkdir", "-p", "/usr/bin", "/tmp", "/etc", "/root"]',
        'RUN ["/bin/busybox", "--install", "-s", "/bin"]',
        "ENV PATH=/bin:/usr/bin",
        "",
      ].join("\n"),
    );
    const result = await runBuild(
      {
        deploymentId: "base",
        source: { kind: "directory", path: dir },
        rootDirectory: ".",
        env: {},
        imageRepository: `${stack.registry.host}/base/busybox`,
        tag: "1.35",
      },
      {
        buildctl: stack.binaries.buildctl,
        addr: stack.buildkit.addr,
        fetch,
        now: () => new Date(),
      },
    );
    return result.taggedRef;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
