/**
 * Pure decisions of the real node's cleanup: which mounts to unmount, which iptables rules
 * and chains to delete, which sysctls to put back. The I/O around them is host-cleanup.ts.
 */

/**
 * sysctls the node's agents write: the CNI bridge plugin turns on ip_forward, kube-proxy
 * route_localnet, and kubelet (protectKernelDefaults off) its "kernel tunables".
 */
export const SYSCTLS_THE_NODE_CHANGES = [
  "net.ipv4.ip_forward",
  "net.ipv4.conf.all.route_localnet",
  "vm.overcommit_memory",
  "vm.panic_on_oom",
  "kernel.panic",
  "kernel.panic_on_oops",
  "kernel.keys.root_maxkeys",
  "kernel.keys.root_maxbytes",
] as const;

/** Host paths outside the node's directory that containerd, libcni or kubelet create. */
export const HOST_PATHS_THE_NODE_CREATES = [
  "/run/containerd",
  // kubelet's device plugin manager uses /var/lib/kubelet/device-plugins whatever --root-dir says.
  "/var/lib/kubelet",
  "/var/lib/cni",
  "/var/log/containers",
  "/var/log/pods",
] as const;

/** Chain prefixes of kubelet, kube-proxy and the CNI plugins (bridge, portmap). */
export const NODE_CHAIN_PREFIXES = ["KUBE-", "CNI-"] as const;

/** Undoes the octal escapes /proc/self/mountinfo uses for space, tab, newline, backslash. */
function unescapeMountPath(path: string): string {
  return path.replace(/\\([0-7]{3})/g, (_, code: string) => String.fromCharCode(parseInt(code, 8)));
}

/** Mount points at or under root, deepest (and latest) first, so each umount succeeds. */
export function planUnmounts(mountinfo: string, root: string): string[] {
  const prefix = root.endsWith("/") ? root : `${root}/`;
  const points = mountinfo
    .split("\n")
    .map((line) => line.split(" ")[4])
    .filter((p): p is string => p !== undefined)
    .map(unescapeMountPath)
    .filter((p) => p === root || p.startsWith(prefix));
  // Same path mounted twice (kubelet's rshared bind of its root): unmount the later one first.
  return points
    .map((path, order) => ({ path, order }))
    .sort(
      (a, b) =>
        b.path.split("/").length - a.path.split("/").length ||
        b.path.length - a.path.length ||
        b.order - a.order,
    )
    .map((m) => m.path);
}

/** Splits one iptables-save rule line into argv words (double quotes, backslash escapes). */
export function splitRule(line: string): string[] {
  const words: string[] = [];
  let word = "";
  let inWord = false;
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (ch === "\\" && i + 1 < line.length) {
      word += line[++i];
      inWord = true;
    } else if (ch === '"') {
      quoted = !quoted;
      inWord = true;
    } else if (ch === " " && !quoted) {
      if (inWord) words.push(word);
      word = "";
      inWord = false;
    } else {
      word += ch;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  return words;
}

export interface ChainRef {
  table: string;
  chain: string;
}

/** Every chain of an iptables-save dump, as "table/chain". */
export function listChains(save: string): string[] {
  const chains: string[] = [];
  let table = "";
  for (const line of save.split("\n")) {
    if (line.startsWith("*")) table = line.slice(1).trim();
    else if (line.startsWith(":")) chains.push(`${table}/${line.slice(1).split(" ")[0]}`);
  }
  return chains;
}

const isNodeChain = (chain: string) => NODE_CHAIN_PREFIXES.some((p) => chain.startsWith(p));

/**
 * argv lists (without the iptables binary) that remove the node's chains from a dump: first
 * the jumps into them from other chains, then flush, then delete. Chains listed in `keep`
 * ("table/chain", those that existed before the node started) are left alone.
 */
export function planIptablesCleanup(save: string, keep: readonly string[] = []): string[][] {
  const kept = new Set(keep);
  const targets = listChains(save).filter((ref) => {
    const chain = ref.slice(ref.indexOf("/") + 1);
    return isNodeChain(chain) && !kept.has(ref);
  });
  const targetSet = new Set(targets);
  const deletes: string[][] = [];
  let table = "";
  for (const line of save.split("\n")) {
    if (line.startsWith("*")) table = line.slice(1).trim();
    if (!line.startsWith("-A ")) continue;
    const words = splitRule(line);
    const chain = words[1]!;
    if (targetSet.has(`${table}/${chain}`)) continue; // flushed below
    const jump = words.findIndex((w) => w === "-j" || w === "-g" || w === "--jump");
    const target = jump >= 0 ? words[jump + 1] : undefined;
    if (target && targetSet.has(`${table}/${target}`)) {
      deletes.push(["-t", table, "-D", chain, ...words.slice(2)]);
    }
  }
  const split = (ref: string) => [ref.slice(0, ref.indexOf("/")), ref.slice(ref.indexOf("/") + 1)];
  return [
    ...deletes,
    ...targets.map((ref) => ["-t", split(ref)[0]!, "-F", split(ref)[1]!]),
    ...targets.map((ref) => ["-t", split(ref)[0]!, "-X", split(ref)[1]!]),
  ];
}

/** `sysctl -w` arguments that put back every value that differs from the recorded one. */
export function planSysctlRestore(
  before: Record<string, string>,
  now: Record<string, string>,
): string[] {
  return Object.entries(before)
    .filter(([name, value]) => now[name] !== undefined && now[name] !== value)
    .map(([name, value]) => `${name}=${value}`);
}
