import {
  DEPLOYMENT_CRD_NAME,
  DEPLOYMENT_KIND,
  DEPLOYMENT_PLURAL,
  DEPLOYMENT_VERSION,
  deploymentSchema,
  SLIPWAY_GROUP,
} from "./deployment-schema.js";

/** The CustomResourceDefinition object, as committed in `crds/deployment.yaml`. */
export function makeDeploymentCrd() {
  return {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: DEPLOYMENT_CRD_NAME },
    spec: {
      group: SLIPWAY_GROUP,
      scope: "Namespaced",
      names: {
        plural: DEPLOYMENT_PLURAL,
        singular: "deployment",
        kind: DEPLOYMENT_KIND,
        listKind: `${DEPLOYMENT_KIND}List`,
        // `deploy` is apps/v1's; these never clash with it.
        shortNames: ["sdeploy", "sdep"],
        categories: ["slipway"],
      },
      versions: [
        {
          name: DEPLOYMENT_VERSION,
          served: true,
          storage: true,
          subresources: { status: {} },
          additionalPrinterColumns: [
            { name: "Image", type: "string", jsonPath: ".spec.image" },
            { name: "Ready", type: "integer", jsonPath: ".status.readyReplicas" },
            { name: "Phase", type: "string", jsonPath: ".status.phase" },
            { name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp" },
          ],
          schema: { openAPIV3Schema: deploymentSchema },
        },
      ],
    },
  };
}
