/**
 * Runs an unpacked image with runc, the runtime containerd uses on a node: the image's user,
 * command and environment, a read-only root filesystem, /tmp as a tmpfs (a pod's emptyDir),
 * no capabilities, the host's network (so the test reaches it on loopback).
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import type { ImageConfig } from "./pulled-image.js";

const run = promisify(execFile);

export interface RuncContainer {
  child: ChildProcess;
  stdout: () => string;
  exited: Promise<number | null>;
  kill(signal: string): Promise<void>;
  remove(): Promise<void>;
}

export interface RuncOptions {
  bundleDir: string;
  id: string;
  image: ImageConfig;
  env: string[];
  /** host path → container path, read-only binds. */
  binds: Record<string, string>;
}

export async function runWithRunc(options: RuncOptions): Promise<RuncContainer> {
  await run("runc", ["spec", "--bundle", options.bundleDir]);
  const specFile = join(options.bundleDir, "config.json");
  const spec = JSON.parse(await readFile(specFile, "utf8"));
  const [uid, gid] = (options.image.config.User ?? "0:0").split(":").map(Number);
  spec.process.terminal = false;
  spec.process.user = { uid, gid: gid ?? uid };
  spec.process.args = [
    ...(options.image.config.Entrypoint ?? []),
    ...(options.image.config.Cmd ?? []),
  ];
  spec.process.env = [...(options.image.config.Env ?? []), ...options.env];
  spec.process.cwd = options.image.config.WorkingDir || "/";
  spec.process.noNewPrivileges = true;
  spec.process.capabilities = { bounding: [], effective: [], permitted: [], ambient: [] };
  spec.root = { path: join(options.bundleDir, "rootfs"), readonly: true };
  spec.linux.namespaces = spec.linux.namespaces.filter(
    (ns: { type: string }) => ns.type !== "network",
  );
  spec.mounts.push(
    {
      destination: "/tmp",
      type: "tmpfs",
      source: "tmpfs",
      options: ["nosuid", "nodev", "mode=1777"],
    },
    ...Object.entries(options.binds).map(([source, destination]) => ({
      destination,
      type: "bind",
      source,
      options: ["rbind", "ro"],
    })),
  );
  await writeFile(specFile, JSON.stringify(spec));
  const child = spawn("runc", ["run", "--bundle", options.bundleDir, options.id], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) =>
    child.once("exit", (code) => resolve(code)),
  );
  return {
    child,
    stdout: () => output,
    exited,
    kill: async (signal) => {
      await run("runc", ["kill", options.id, signal]);
    },
    remove: async () => {
      await run("runc", ["delete", "--force", options.id]).catch(() => undefined);
    },
  };
}
