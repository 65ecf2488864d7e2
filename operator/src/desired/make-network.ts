import type { SlipwayDeployment } from "@slipway/shared";
import type { OperatorConfig } from "../config.js";
import { objectMeta, PORT_NAME, regionObjectName, selectorLabels } from "./names.js";

type Region = SlipwayDeployment["spec"]["regions"][number];

/** The Service Sentinel sends one region's traffic to. */
export function makeService(cr: SlipwayDeployment, region: Region) {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: objectMeta(cr, regionObjectName(cr, region.name), region.name),
    spec: {
      type: "ClusterIP",
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
