import type { Instance } from "./instances.js";

export const DEPLOYMENT_LABEL = "slipway.dev/deployment";
export const REGION_LABEL = "slipway.dev/region";
export const PORT_NAME = "http";

/** The label value the operator puts on a deployment's objects (control plane's `crNameOf`). */
export const deploymentLabelValue = (deploymentId: string) =>
  deploymentId.replace("_", "-").toLowerCase();

export interface EndpointSlice {
  metadata: {
    name: string;
    namespace?: string;
    resourceVersion?: string;
    labels?: Record<string, string>;
  };
  addressType?: string;
  endpoints?: {
    addresses: string[];
    conditions?: { ready?: boolean | null; serving?: boolean | null; terminating?: boolean | null };
    targetRef?: { kind?: string; name?: string };
  }[];
  ports?: { name?: string; port?: number; protocol?: string }[] | null;
}

/**
 * The ready instances one slice lists (pure). A nil `ready` counts as ready, as the API says;
 * a terminating or not-ready endpoint never receives traffic.
 */
export function instancesOfSlice(
  slice: EndpointSlice,
): { deployment: string; instances: Instance[] } | undefined {
  const deployment = slice.metadata.labels?.[DEPLOYMENT_LABEL];
  if (!deployment) return undefined;
  const region = slice.metadata.labels?.[REGION_LABEL] ?? "unknown";
  const ports = slice.ports ?? [];
  const port = (ports.find((p) => p.name === PORT_NAME) ?? ports[0])?.port;
  if (!port) return { deployment, instances: [] };
  const instances: Instance[] = [];
  for (const endpoint of slice.endpoints ?? []) {
    if (endpoint.conditions?.ready === false) continue;
    const address = endpoint.addresses[0];
    if (!address) continue;
    instances.push({ id: endpoint.targetRef?.name ?? address, address, port, region });
  }
  return { deployment, instances };
}
