import type { KubeClient } from "@slipway/shared/kube";
import type { ControlPlaneLayout } from "./component-args.js";
import type { RunningComponent } from "./components.js";

/**
 * Where a cluster's nodes come from. Today only kwok (fake nodes). The follow-up real-node
 * mode adds a provider that starts containerd and a kubelet (binaries are already built)
 * and registers a real Node; `startCluster` needs no change for that, it just gets another
 * provider in its list.
 */
export interface NodeProviderContext {
  binDir: string;
  workDir: string;
  layout: ControlPlaneLayout;
  /** Admin client of the running apiserver. */
  client: KubeClient;
  kubernetesVersion: string;
  /** Starts a process that `cluster:down` will stop; its crash fails the start with its log. */
  start(name: string, binary: string, args: string[]): RunningComponent;
  /** Everything started so far, for waits that must fail fast if any of it dies. */
  running(): RunningComponent[];
  log(line: string): void;
}

export interface NodeProvider {
  /** e.g. "kwok"; shown in logs. */
  readonly kind: string;
  /** Starts the node agents, registers the nodes and resolves once they are all Ready. */
  start(context: NodeProviderContext): Promise<void>;
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
