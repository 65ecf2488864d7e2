import { REGIONS } from "../config.js";
import { KWOK_NODE_ANNOTATION, KWOK_NODE_ANNOTATION_VALUE } from "./component-args.js";

export const REGION_LABEL = "topology.kubernetes.io/region";
export const ZONE_LABEL = "topology.kubernetes.io/zone";

export interface FakeNodeSpec {
  name: string;
  region: string;
  zone: string;
}

/** N nodes spread round-robin over the regions, so both regions exist even with two nodes. */
export function planFakeNodes(count: number, regions: readonly string[] = REGIONS): FakeNodeSpec[] {
  return Array.from({ length: count }, (_, i) => {
    const region = regions[i % regions.length]!;
    return { name: `kwok-${region}-${Math.floor(i / regions.length)}`, region, zone: `${region}a` };
  });
}

/**
 * A Node object as a kubelet would register it. kwok only manages nodes carrying its
 * annotation; it then fills in status (Ready) and heartbeats through the stages we pass it.
 * No taint: the point is that ordinary Deployments from the operator land on these nodes.
 */
export function makeFakeNodeManifest(spec: FakeNodeSpec, kubeletVersion: string): object {
  const resources = { cpu: "16", memory: "64Gi", pods: "110", "ephemeral-storage": "100Gi" };
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: {
      name: spec.name,
      annotations: {
        [KWOK_NODE_ANNOTATION]: KWOK_NODE_ANNOTATION_VALUE,
        "node.alpha.kubernetes.io/ttl": "0",
      },
      labels: {
        "kubernetes.io/arch": "amd64",
        "kubernetes.io/os": "linux",
        "kubernetes.io/hostname": spec.name,
        "node.kubernetes.io/instance-type": "kwok",
        type: "kwok",
        [REGION_LABEL]: spec.region,
        [ZONE_LABEL]: spec.zone,
      },
    },
    spec: {},
    status: {
      allocatable: resources,
      capacity: resources,
      nodeInfo: {
        architecture: "amd64",
        operatingSystem: "linux",
        kubeletVersion,
        kubeProxyVersion: kubeletVersion,
      },
      phase: "Running",
    },
  };
}
