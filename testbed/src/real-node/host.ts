/**
 * The thin I/O edge of the real node on the host: sysctls, links, iptables, cgroups,
 * mounts and processes. Decisions come from cleanup-plan.ts.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { readdir, readFile, rmdir } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";

const execFileAsync = promisify(execFile);

export async function sh(command: string, args: string[]): Promise<string> {
  try {
    const { stdout } = await execFileAsync(command, args, { maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? "";
    throw new Error(`${command} ${args.join(" ")} failed: ${stderr.trim() || String(error)}`);
  }
}

export async function readSysctls(names: readonly string[]): Promise<Record<string, string>> {
  const values: Record<string, string> = {};
  for (const name of names) {
    try {
      values[name] = (await readFile(`/proc/sys/${name.replaceAll(".", "/")}`, "utf8")).trim();
    } catch {
      // Not present on this kernel: nothing to record or restore.
    }
  }
  return values;
}

export async function writeSysctls(assignments: string[]): Promise<void> {
  for (const assignment of assignments) await sh("sysctl", ["-q", "-w", assignment]);
}

export interface Link {
  ifname: string;
  master?: string;
  link_type?: string;
  linkinfo?: { info_kind?: string };
}

export async function listLinks(): Promise<Link[]> {
  return JSON.parse(await sh("ip", ["-j", "-d", "link", "show"])) as Link[];
}

export async function linkExists(name: string): Promise<boolean> {
  return (await listLinks()).some((l) => l.ifname === name);
}

/**
 * A fixed, locally administered MAC for the bridge: left alone, a Linux bridge takes the
 * lowest MAC of its ports, so it changes as pods come and go and pods' ARP entries for the
 * gateway go stale (the install test saw a request stall while pods rolled). One real node per
 * machine, so one address.
 */
export const BRIDGE_MAC = "02:53:4c:57:00:01";

/** A bridge holding the gateway address, up, so the apiserver can bind there before any pod. */
export async function createBridge(name: string, gatewayCidr: string): Promise<void> {
  await sh("ip", ["link", "add", name, "address", BRIDGE_MAC, "type", "bridge"]);
  await sh("ip", ["addr", "add", gatewayCidr, "dev", name]);
  await sh("ip", ["link", "set", name, "up"]);
}

/** Removes the veths enslaved to the bridge, then the bridge. */
export async function deleteBridge(name: string): Promise<void> {
  const links = await listLinks();
  for (const link of links.filter((l) => l.master === name)) {
    await sh("ip", ["link", "delete", link.ifname]).catch(() => undefined);
  }
  if (links.some((l) => l.ifname === name)) await sh("ip", ["link", "delete", name]);
}

export const IPTABLES = ["iptables", "ip6tables"] as const;

export async function iptablesSave(binary: (typeof IPTABLES)[number]): Promise<string> {
  try {
    return await sh(`${binary}-save`, []);
  } catch {
    return ""; // e.g. no IPv6 netfilter on this kernel
  }
}

export async function runIptables(binary: string, commands: string[][]): Promise<void> {
  for (const args of commands) await sh(binary, ["-w", ...args]);
}

export async function cgroupHierarchies(): Promise<string[]> {
  const root = "/sys/fs/cgroup";
  if (!existsSync(root)) return [];
  const entries = await readdir(root, { withFileTypes: true });
  return entries.filter((e) => e.isDirectory()).map((e) => join(root, e.name));
}

/** Directories of a cgroup subtree, children before parents. */
async function subtree(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  const children = (await readdir(dir, { withFileTypes: true })).filter((e) => e.isDirectory());
  const nested = await Promise.all(children.map((c) => subtree(join(dir, c.name))));
  return [...nested.flat(), dir];
}

/** The pids in a cgroup subtree (v1 cgroup.procs or v2). */
export async function pidsInCgroupTree(dir: string): Promise<number[]> {
  const pids: number[] = [];
  for (const group of await subtree(dir)) {
    const text = await readFile(join(group, "cgroup.procs"), "utf8").catch(() => "");
    pids.push(...text.split("\n").filter(Boolean).map(Number));
  }
  return pids;
}

/** rmdir every cgroup of the subtree, deepest first; retries while the kernel frees them. */
export async function removeCgroupTree(dir: string): Promise<void> {
  for (const group of await subtree(dir)) {
    for (let attempt = 0; ; attempt++) {
      try {
        await rmdir(group);
        break;
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === "ENOENT") break;
        if (attempt >= 40) throw error;
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  }
}

/** Pids whose argv contains `needle` as one argument (the shims name our containerd socket). */
export async function pidsWithArgument(needle: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, "utf8").catch(() => "");
    if (cmdline.split("\0").includes(needle)) pids.push(Number(entry));
  }
  return pids;
}

function killPids(pids: number[]): void {
  for (const pid of pids) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // Already gone.
    }
  }
}

/** True while the pid exists and is not a zombie waiting for its parent to reap it. */
async function isPidRunning(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => "");
  // The state follows the command, which sits in parentheses and may itself hold spaces.
  return stat !== "" && stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
}

/**
 * SIGKILLs what `find` returns until it returns nothing that runs, then waits (bounded) until
 * the killed pids are gone from /proc. A sweep repeats because a process can start between
 * the scan and the kill: a shim that containerd was starting when it was killed appears late.
 */
export async function killUntilGone(
  find: () => Promise<number[]>,
  {
    timeoutMs = 10_000,
    /** Killed once, not looked up again: a recorded pid may be reused once it is gone. */
    recorded = [] as number[],
  } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  killPids(recorded);
  const killed = new Set<number>(recorded);
  for (;;) {
    const running: number[] = [];
    for (const pid of await find()) if (await isPidRunning(pid)) running.push(pid);
    if (running.length === 0) break;
    killPids(running);
    for (const pid of running) killed.add(pid);
    if (Date.now() > deadline) throw new Error(`pids ${running.join(", ")} survive SIGKILL`);
    await new Promise((r) => setTimeout(r, 50));
  }
  // Reaped by their parent (the shims' is PID 1): until then ps still lists them.
  for (const pid of killed) {
    while (existsSync(`/proc/${pid}`) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

export async function unmount(path: string): Promise<void> {
  // Lazy: a mount a dying process still holds is detached now and freed when it lets go.
  await sh("umount", ["-l", path]).catch(async (error) => {
    const info = await readFile("/proc/self/mountinfo", "utf8");
    if (info.includes(` ${path} `)) throw error;
  });
}
