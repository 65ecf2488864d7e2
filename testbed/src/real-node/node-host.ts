/**
 * What the real node changes on the host, recorded before it changes anything, and the one
 * cleanup that undoes it: after a normal stop, and after a run that was killed (the next
 * `cluster:up` or `cluster:down` finds the record and cleans what it describes).
 */
import { existsSync } from "node:fs";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { MissingPrerequisiteError } from "@slipway/shared/tool-errors";
import { type ComponentRecord, isComponentAlive } from "../cluster/components.js";
import {
  HOST_PATHS_THE_NODE_CREATES,
  listChains,
  planIptablesCleanup,
  planSysctlRestore,
  planUnmounts,
  SYSCTLS_THE_NODE_CHANGES,
} from "./cleanup-plan.js";
import {
  cgroupHierarchies,
  createBridge,
  deleteBridge,
  IPTABLES,
  iptablesSave,
  killUntilGone,
  linkExists,
  pidsInCgroupTree,
  pidsWithArgument,
  readSysctls,
  removeCgroupTree,
  runIptables,
  unmount,
  writeSysctls,
} from "./host.js";
import { nodePaths } from "./node-config.js";

export interface NodeRecord {
  version: 1;
  dir: string;
  bridge: string;
  sysctlsBefore: Record<string, string>;
  /** "table/chain" per binary, so chains that were already there are kept. */
  chainsBefore: Record<(typeof IPTABLES)[number], string[]>;
  /** Which of HOST_PATHS_THE_NODE_CREATES existed before; the others are removed. */
  hostPathsBefore: string[];
  /** containerd and kubelet, added as they start. */
  components: ComponentRecord[];
}

/** The cgroup (under each hierarchy) kubelet puts pods in with cgroupsPerQOS and cgroupfs. */
export const KUBEPODS_CGROUP = "kubepods";

export async function readNodeRecord(dir: string): Promise<NodeRecord | undefined> {
  try {
    const record = JSON.parse(await readFile(nodePaths(dir).record, "utf8")) as NodeRecord;
    return record.version === 1 ? record : undefined;
  } catch {
    return undefined;
  }
}

export async function writeNodeRecord(record: NodeRecord): Promise<void> {
  const path = nodePaths(record.dir).record;
  await writeFile(`${path}.tmp`, `${JSON.stringify(record, null, 2)}\n`);
  await rename(`${path}.tmp`, path);
}

export function isNodeRunning(record: NodeRecord): boolean {
  return record.components.some(isComponentAlive);
}

/**
 * Records the host's state, then creates the bridge with the gateway address. A record left
 * by a dead node is cleaned first; a live one stops us (one real node per machine).
 */
export async function prepareNodeHost(
  dir: string,
  bridge: string,
  gatewayCidr: string,
  log: (line: string) => void,
): Promise<NodeRecord> {
  const previous = await readNodeRecord(dir);
  if (previous && isNodeRunning(previous)) {
    throw new MissingPrerequisiteError(
      `a real node is already running on this machine (${previous.components.map((c) => `${c.name} pid ${c.pid}`).join(", ")}); stop its cluster first (npm run cluster:down)`,
    );
  }
  if (previous || existsSync(dir)) {
    log(`  cleaning up what a previous real node left in ${dir}`);
    await cleanupNodeHost(dir);
  }
  if (await linkExists(bridge)) {
    throw new MissingPrerequisiteError(
      `a network interface named ${bridge} exists but no real node recorded it; remove it ("ip link delete ${bridge}") or choose another bridge name`,
    );
  }
  const chainsBefore = { iptables: [] as string[], ip6tables: [] as string[] };
  for (const binary of IPTABLES) chainsBefore[binary] = listChains(await iptablesSave(binary));
  const record: NodeRecord = {
    version: 1,
    dir,
    bridge,
    sysctlsBefore: await readSysctls(SYSCTLS_THE_NODE_CHANGES),
    chainsBefore,
    hostPathsBefore: HOST_PATHS_THE_NODE_CREATES.filter((p) => existsSync(p)),
    components: [],
  };
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await writeNodeRecord(record);
  await createBridge(bridge, gatewayCidr);
  return record;
}

/**
 * Cleans what a node left behind unless its containerd or kubelet still runs (then it belongs
 * to a live cluster). Returns true if it cleaned something.
 */
export async function cleanupDeadNodeHost(dir: string): Promise<boolean> {
  const record = await readNodeRecord(dir);
  if (record && isNodeRunning(record)) return false;
  return cleanupNodeHost(dir);
}

/**
 * Leaves the host as the record found it. Idempotent; each step runs even if an earlier one
 * failed, and the first failure is thrown at the end. Returns false if there was no node.
 */
export async function cleanupNodeHost(dir: string): Promise<boolean> {
  const record = await readNodeRecord(dir);
  if (!record && !existsSync(dir)) return false;
  const failures: unknown[] = [];
  const step = async (what: () => Promise<void>) => {
    try {
      await what();
    } catch (error) {
      failures.push(error);
    }
  };
  const paths = nodePaths(dir);
  const hierarchies = await cgroupHierarchies();
  await step(async () => {
    // containerd's shims and the containers outlive containerd: kill them by what they are.
    const components = record?.components.filter(isComponentAlive).map((c) => c.pid) ?? [];
    await killUntilGone(
      async () => [
        ...(await pidsWithArgument(paths.containerdSocket)),
        ...(
          await Promise.all(hierarchies.map((h) => pidsInCgroupTree(join(h, KUBEPODS_CGROUP))))
        ).flat(),
      ],
      { recorded: components },
    );
  });
  await step(async () => {
    for (let round = 0; round < 5; round++) {
      const mounts = planUnmounts(await readFile("/proc/self/mountinfo", "utf8"), dir);
      if (mounts.length === 0) break;
      for (const mount of mounts) await unmount(mount);
    }
  });
  if (record) {
    await step(() => deleteBridge(record.bridge));
    for (const binary of IPTABLES) {
      await step(async () => {
        const plan = planIptablesCleanup(await iptablesSave(binary), record.chainsBefore[binary]);
        await runIptables(binary, plan);
      });
    }
  }
  for (const h of hierarchies) await step(() => removeCgroupTree(join(h, KUBEPODS_CGROUP)));
  if (record) {
    await step(async () => {
      const now = await readSysctls(Object.keys(record.sysctlsBefore));
      await writeSysctls(planSysctlRestore(record.sysctlsBefore, now));
    });
    for (const path of HOST_PATHS_THE_NODE_CREATES) {
      if (record.hostPathsBefore.includes(path)) continue;
      await step(() => rm(path, { recursive: true, force: true }));
    }
  }
  // Only once nothing is mounted below it: rm would otherwise reach into the mounts.
  if (failures.length === 0) await step(() => rm(dir, { recursive: true, force: true }));
  if (failures.length > 0) throw failures[0];
  return true;
}
