import type { KubeClient } from "@slipway/shared/kube";
import type { ControlPlaneLayout } from "./component-args.js";
import type { RunningComponent } from "./components.js";

/**
 * Where a cluster's nodes come from: kwok (fake nodes) and the real node (containerd and a
 * kubelet on this machine, src/real-node/). `startCluster` calls every provider's `prepare`
 * before the control plane starts, `start` once the API is up, and `cleanup` after the
 * processes are stopped.
 */
export interface NodeProviderContext {
  binDir: string;
  workDir: string;
  layout: ControlPlaneLayout;
  /** Admin client of the running apiserver. */
  client: KubeClient;
  kubernetesVersion: string;
  /** The cluster CA's directory (ca.crt, ca.key), to issue a node's own certificates. */
  pkiDir: string;
  /** Writes a kubeconfig for the apiserver with the certificate <certName>.crt/.key of pkiDir. */
  writeKubeconfig(path: string, certName: string, userName: string): Promise<void>;
  /** Starts a process that `cluster:down` will stop; its crash fails the start with its log. */
  start(name: string, binary: string, args: string[]): RunningComponent;
  /** Everything started so far, for waits that must fail fast if any of it dies. */
  running(): RunningComponent[];
  log(line: string): void;
}

export interface NodePreparation {
  /** An address the apiserver must listen on and advertise, so the nodes' pods reach it. */
  apiserverAddress?: string;
}

export interface NodeProvider {
  /** e.g. "kwok"; shown in logs. */
  readonly kind: string;
  /** Host setup the control plane depends on (e.g. the bridge whose address it binds). */
  prepare?(log: (line: string) => void): Promise<NodePreparation>;
  /** Starts the node agents, registers the nodes and resolves once they are all Ready. */
  start(context: NodeProviderContext): Promise<void>;
  /**
   * Undoes what prepare and start changed on the host, after the processes are stopped and
   * before the work directory is removed. Idempotent.
   */
  cleanup?(): Promise<void>;
}

interface NodeCondition {
  type: string;
  status: string;
}

/** True once every named node exists and reports Ready=True. */
export async function nodesReady(client: KubeClient, names: string[]): Promise<boolean> {
  const list = await client.get<{
    items: { metadata: { name: string }; status?: { conditions?: NodeCondition[] } }[];
  }>("/api/v1/nodes");
  const ready = new Set(
    list.items
      .filter((n) => n.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True"))
      .map((n) => n.metadata.name),
  );
  return names.every((name) => ready.has(name));
}
