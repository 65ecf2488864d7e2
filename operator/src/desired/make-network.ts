import type { SlipwayDeployment } from "@slipway/shared";
import type { OperatorConfig } from "../config.js";
import { objectMeta, PORT_NAME, regionObjectName, selectorLabels } from "./names.js";

type Region = SlipwayDeployment["spec"]["regions"][number];

/** `spec.clusterIP` of a headless Service. */
export const HEADLESS = "None";

/**
 * Pure: a cluster IP cannot be changed in place, so a Service created with one (before
 * Services were headless) is deleted and created again rather than applied over.
 */
export function mustRecreateService(observed: unknown): boolean {
  const clusterIP = (observed as { spec?: { clusterIP?: string } } | undefined)?.spec?.clusterIP;
  return clusterIP !== undefined && clusterIP !== "" && clusterIP !== HEADLESS;
}

/**
 * The Service of one region. Headless: Sentinel sends traffic to pod IPs straight from the
 * Service's EndpointSlices, so nothing uses a cluster IP, and the apiserver allocates those
 * one at a time (most of the operator's creation time was spent waiting for them).
 */
export function makeService(cr: SlipwayDeployment, region: Region) {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: objectMeta(cr, regionObjectName(cr, region.name), region.name),
    spec: {
      type: "ClusterIP",
      clusterIP: HEADLESS,
      selector: selectorLabels(cr, region.name),
      ports: [
        {
          name: PORT_NAME,
          port: cr.spec.port,
          targetPort: PORT_NAME,
          protocol: "TCP",
          ...(cr.spec.upstreamProtocol === "h2c" ? { appProtocol: "kubernetes.io/h2c" } : {}),
        },
      ],
    },
  };
}

/** Admits ingress to every instance of the deployment only from Sentinel's namespace. */
export function makeNetworkPolicy(
  cr: SlipwayDeployment,
  cfg: Pick<OperatorConfig, "sentinelNamespace">,
) {
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: objectMeta(cr, cr.metadata.name),
    spec: {
      podSelector: { matchLabels: selectorLabels(cr) },
      policyTypes: ["Ingress"],
      ingress: [
        {
          from: [
            {
              namespaceSelector: {
                matchLabels: { "kubernetes.io/metadata.name": cfg.sentinelNamespace },
              },
            },
          ],
          ports: [{ port: cr.spec.port, protocol: "TCP" }],
        },
      ],
    },
  };
}
