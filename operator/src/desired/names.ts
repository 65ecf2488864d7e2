import { DEPLOYMENT_API_VERSION, DEPLOYMENT_KIND, type SlipwayDeployment } from "@slipway/shared";

export const REGION_LABEL = "topology.kubernetes.io/region";
export const DEPLOYMENT_LABEL = "slipway.dev/deployment";
export const SLIPWAY_REGION_LABEL = "slipway.dev/region";
export const MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";
export const MANAGED_BY = "slipway-operator";
export const CONTAINER_NAME = "app";
export const PORT_NAME = "http";
export const DATA_PATH = "/data";

/**
 * The control plane's deployment id behind a CR name: it names each CR `crNameOf(id)`, the id
 * with its `_` turned into `-` (ids are `<prefix>_<26 of [0-9a-z]>`, so this is exact). The
 * app's `UNKEY_DEPLOYMENT_ID` must be the id the API knows, not the Kubernetes name. A CR
 * named otherwise (applied by hand) keeps its name.
 */
export function deploymentIdOf(crName: string): string {
  return /^[a-z]+-[0-9a-z]{26}$/.test(crName) ? crName.replace("-", "_") : crName;
}

/** Objects of one region are named `<deployment>-<region>`. */
export const regionObjectName = (cr: SlipwayDeployment, region: string) =>
  `${cr.metadata.name}-${region}`;

export function selectorLabels(cr: SlipwayDeployment, region?: string): Record<string, string> {
  return region === undefined
    ? { [DEPLOYMENT_LABEL]: cr.metadata.name }
    : { [DEPLOYMENT_LABEL]: cr.metadata.name, [SLIPWAY_REGION_LABEL]: region };
}

export function objectLabels(cr: SlipwayDeployment, region?: string): Record<string, string> {
  return { [MANAGED_BY_LABEL]: MANAGED_BY, ...selectorLabels(cr, region) };
}

export function objectMeta(cr: SlipwayDeployment, name: string, region?: string) {
  return {
    name,
    namespace: cr.metadata.namespace!,
    labels: objectLabels(cr, region),
    ownerReferences: [
      {
        apiVersion: DEPLOYMENT_API_VERSION,
        kind: DEPLOYMENT_KIND,
        name: cr.metadata.name,
        uid: cr.metadata.uid!,
        controller: true,
        blockOwnerDeletion: true,
      },
    ],
  };
}

/** CPU in the apiserver's canonical form, so a steady-state comparison finds no change. */
export function cpuQuantity(vCpus: number): string {
  const millis = Math.round(vCpus * 1000);
  return millis % 1000 === 0 ? String(millis / 1000) : `${millis}m`;
}

/** Mebibytes in the apiserver's canonical form (`1Gi`, not `1024Mi`). */
export function mebibytes(mib: number): string {
  return mib % 1024 === 0 ? `${mib / 1024}Gi` : `${mib}Mi`;
}
