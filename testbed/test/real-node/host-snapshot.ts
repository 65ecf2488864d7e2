/**
 * What the real node may change on this machine, read from the kernel and the filesystem,
 * so a test can compare the host before a node started with the host after it stopped.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import {
  HOST_PATHS_THE_NODE_CREATES,
  SYSCTLS_THE_NODE_CHANGES,
} from "../../src/real-node/cleanup-plan.js";

export interface HostSnapshot {
  mounts: string[];
  links: string[];
  netns: string[];
  iptables: string[];
  ip6tables: string[];
  cgroups: string[];
  sysctls: Record<string, string>;
  paths: Record<string, boolean>;
  shims: number;
}

// Other engineers' BuildKit daemons on this shared machine mount and unmount under /tmp and
// keep cgroups under /buildkit while we run; neither is the node's.
const FOREIGN_MOUNTS = /^\/tmp\//;
const FOREIGN_CGROUP = "buildkit";

function run(command: string, args: string[]): string {
  try {
    return execFileSync(command, args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
  } catch {
    return "";
  }
}

const BUILT_IN_CHAIN = /^:(PREROUTING|INPUT|FORWARD|OUTPUT|POSTROUTING) ACCEPT $/;

/**
 * Chains and rules without packet counters, which change by themselves. A table holding only
 * its built-in chains, empty and accepting, counts as no table: iptables-nft creates a table
 * on first use and has no command to delete one, and such a table lets every packet through.
 */
function rules(save: string): string[] {
  const tables = save.split(/^(?=\*)/m).map((table) =>
    table
      .split("\n")
      .filter((line) => line.startsWith("*") || line.startsWith(":") || line.startsWith("-A"))
      .map((line) => line.replace(/\[\d+:\d+\]/, "")),
  );
  return tables
    .filter((lines) => !lines.every((line) => line.startsWith("*") || BUILT_IN_CHAIN.test(line)))
    .flat()
    .sort();
}

function cgroupDirs(dir: string, depth: number): string[] {
  if (depth > 3 || !existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !(depth === 1 && e.name === FOREIGN_CGROUP))
    .flatMap((e) => [join(dir, e.name), ...cgroupDirs(join(dir, e.name), depth + 1)]);
}

export function snapshotHost(): HostSnapshot {
  const mounts = readFileSync("/proc/self/mountinfo", "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => {
      const fields = line.split(" ");
      return `${fields[4]} ${fields[fields.indexOf("-") + 1]}`;
    })
    .filter((m) => !FOREIGN_MOUNTS.test(m))
    .sort();
  const links = (
    JSON.parse(run("ip", ["-j", "-d", "link", "show"]) || "[]") as {
      ifname: string;
      linkinfo?: { info_kind?: string };
    }[]
  )
    .map((l) => `${l.ifname} ${l.linkinfo?.info_kind ?? ""}`)
    .sort();
  const cgroupRoot = "/sys/fs/cgroup";
  const sysctls: Record<string, string> = {};
  for (const name of [
    ...SYSCTLS_THE_NODE_CHANGES,
    "net.bridge.bridge-nf-call-iptables",
    "net.netfilter.nf_conntrack_max",
  ]) {
    sysctls[name] = run("sysctl", ["-n", name]).trim();
  }
  const extraPaths = [
    "/var/lib/containerd",
    "/etc/cni",
    "/opt/cni",
    "/run/netns",
    "/run/slipway-real-node",
  ];
  return {
    mounts,
    links,
    netns: run("ip", ["netns", "list"]).split("\n").filter(Boolean).sort(),
    iptables: rules(run("iptables-save", [])),
    ip6tables: rules(run("ip6tables-save", [])),
    cgroups: existsSync(cgroupRoot)
      ? readdirSync(cgroupRoot)
          .flatMap((h) => cgroupDirs(join(cgroupRoot, h), 1))
          .sort()
      : [],
    sysctls,
    paths: Object.fromEntries(
      [...HOST_PATHS_THE_NODE_CREATES, ...extraPaths].map((p) => [p, existsSync(p)]),
    ),
    shims: run("ps", ["-eo", "comm"])
      .split("\n")
      .filter((c) => c.startsWith("containerd-shim")).length,
  };
}
