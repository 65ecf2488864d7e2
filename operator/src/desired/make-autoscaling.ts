import type { SlipwayDeployment } from "@slipway/shared";
import { objectMeta, regionObjectName, selectorLabels } from "./names.js";

type Region = SlipwayDeployment["spec"]["regions"][number];

/** CPU autoscaling of one region; none while idle (the workload is scaled to 0 instead). */
export function makeHpa(cr: SlipwayDeployment, region: Region) {
  if (cr.spec.desiredState === "idle") return undefined;
  const name = regionObjectName(cr, region.name);
  return {
    apiVersion: "autoscaling/v2",
    kind: "HorizontalPodAutoscaler",
    metadata: objectMeta(cr, name, region.name),
    spec: {
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name },
      minReplicas: region.replicas.min,
      maxReplicas: region.replicas.max,
      metrics: [
        {
          type: "Resource",
          resource: {
            name: "cpu",
            target: {
              type: "Utilization",
              averageUtilization: cr.spec.autoscaling.targetCpuUtilization,
            },
          },
        },
      ],
      behavior: {
        // Scale down slowly: five minutes of lower load, then at most half the instances a minute.
        scaleDown: {
          stabilizationWindowSeconds: 300,
          policies: [{ type: "Percent", value: 50, periodSeconds: 60 }],
        },
      },
    },
  };
}

export function makePdb(cr: SlipwayDeployment, region: Region) {
  return {
    apiVersion: "policy/v1",
    kind: "PodDisruptionBudget",
    metadata: objectMeta(cr, regionObjectName(cr, region.name), region.name),
    spec: { maxUnavailable: 1, selector: { matchLabels: selectorLabels(cr, region.name) } },
  };
}
