/**
 * A Debian root filesystem for an image, made on this machine: debootstrap (minbase) from
 * Debian's package mirror, commands run inside it with chroot, and the trim Debian's slim
 * images do. The node base images and the bundled stores' images start this way.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { MissingPrerequisiteError } from "@slipway/shared/tool-errors";
import { stripRuntimeMounts } from "./rootfs-tar.js";

const run = promisify(execFile);

export const DEBIAN_SUITE = "bookworm";
export const DEBIAN_MIRROR = "http://deb.debian.org/debian";

/** Debian `suite` (minbase plus `packages` and what they depend on) into `rootfs`. */
export async function debootstrap(rootfs: string, packages: string[]): Promise<void> {
  if (!existsSync("/usr/sbin/debootstrap")) {
    throw new MissingPrerequisiteError("debootstrap is missing: apt-get install debootstrap");
  }
  await run(
    "debootstrap",
    [
      "--variant=minbase",
      ...(packages.length > 0 ? [`--include=${packages.join(",")}`] : []),
      DEBIAN_SUITE,
      rootfs,
      DEBIAN_MIRROR,
    ],
    { maxBuffer: 64 * 1024 * 1024 },
  );
}

/** `argv` run inside the root filesystem, as root, with a plain PATH. */
export function chroot(rootfs: string, argv: string[]) {
  return run("chroot", [rootfs, ...argv], {
    env: { PATH: "/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", HOME: "/root" },
    maxBuffer: 64 * 1024 * 1024,
  });
}

/** What an image does not need at run time: apt's downloaded lists and archives, docs if slim. */
export async function trimRootfs(rootfs: string, slim: boolean): Promise<void> {
  const drop = ["var/lib/apt/lists", "var/cache/apt", "var/cache/debconf", "var/log"];
  if (slim) drop.push("usr/share/doc", "usr/share/man", "usr/share/info", "usr/share/locale");
  for (const dir of drop) {
    await rm(join(rootfs, dir), { recursive: true, force: true });
    await mkdir(join(rootfs, dir), { recursive: true });
  }
  await mkdir(join(rootfs, "var/lib/apt/lists/partial"), { recursive: true });
  await stripRuntimeMounts(rootfs);
}
