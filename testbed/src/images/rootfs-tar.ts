/**
 * A layer tarball of a directory, made with GNU tar so long names, hard links, owners and
 * modes of a Debian root filesystem survive; sorted names and mtime 0 make it reproducible.
 */
import { execFile } from "node:child_process";
import { readdir, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** Reads `dir` into an uncompressed tar (entries relative to it, e.g. `usr/bin/env`). */
export async function tarDirectory(dir: string, scratchFile: string): Promise<Buffer> {
  const entries = (await readdir(dir)).sort();
  await run("tar", [
    "--create",
    "--file",
    scratchFile,
    "--sort=name",
    "--mtime=@0",
    "--numeric-owner",
    "--format=posix",
    "--pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime",
    "--directory",
    dir,
    ...entries,
  ]);
  try {
    return await readFile(scratchFile);
  } finally {
    await rm(scratchFile, { force: true });
  }
}

/** Empties the directories a container runtime mounts over (proc, sys, dev, run) and host leftovers. */
export async function stripRuntimeMounts(rootfs: string): Promise<void> {
  for (const dir of ["proc", "sys", "dev", "run", "tmp", "var/tmp"]) {
    for (const name of await readdir(join(rootfs, dir)).catch(() => [] as string[])) {
      await rm(join(rootfs, dir, name), { recursive: true, force: true });
    }
  }
  for (const file of ["etc/resolv.conf", "etc/hostname", "etc/machine-id"]) {
    await rm(join(rootfs, file), { force: true });
  }
}
