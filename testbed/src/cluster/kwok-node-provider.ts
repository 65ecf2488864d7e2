import { join } from "node:path";
import { isConflict } from "@slipway/shared/kube";
import { makeKwokArgs } from "./component-args.js";
import { waitUntil } from "./components.js";
import { makeFakeNodeManifest, planFakeNodes } from "./fake-nodes.js";
import { type NodeProvider, type NodeProviderContext, nodesReady } from "./node-provider.js";

/** N fake nodes, spread over the two regions, whose pods kwok moves to Running. */
export class KwokNodeProvider implements NodeProvider {
  readonly kind = "kwok";

  constructor(readonly nodeCount: number) {}

  async start(context: NodeProviderContext): Promise<void> {
    // Zero is allowed beside a real node: then kwok is not started at all.
    if (this.nodeCount === 0) return;
    const nodes = planFakeNodes(this.nodeCount);
    context.start("kwok", join(context.binDir, "kwok"), makeKwokArgs(context.layout));
    for (const node of nodes) {
      try {
        await context.client.create(
          "/api/v1/nodes",
          makeFakeNodeManifest(node, context.kubernetesVersion),
        );
      } catch (error) {
        if (!isConflict(error)) throw error;
      }
    }
    await waitUntil(
      `${nodes.length} kwok nodes to become Ready`,
      () =>
        nodesReady(
          context.client,
          nodes.map((n) => n.name),
        ),
      { timeoutMs: 60_000, watch: context.running() },
    );
    context.log(
      `  ${nodes.length} kwok nodes Ready: ${nodes.map((n) => `${n.name} (${n.region})`).join(", ")}`,
    );
  }
}
