/**
 * Names of the cluster objects of one deployment. Ids are `dep_<26 lowercase base32>`, so
 * `dep-<…>` is a DNS-1123 label (30 characters), unique across workspaces, and leaves room
 * for the operator's `<name>-<region>` children within 63 characters.
 */
export const crNameOf = (deploymentId: string) => deploymentId.replace("_", "-").toLowerCase();

/** The Secret holding the deployment's decrypted env vars, owned by its CR. */
export const envSecretNameOf = (deploymentId: string) => `${crNameOf(deploymentId)}-env`;

export const secretPathOf = (namespace: string, name: string) =>
  `/api/v1/namespaces/${namespace}/secrets/${name}`;

/** Labels that let people (and `kubectl get -l`) find an app's or environment's objects. */
export const labelKeys = {
  deploymentId: "slipway.dev/deployment-id",
  workspaceId: "slipway.dev/workspace-id",
  appId: "slipway.dev/app-id",
  environmentId: "slipway.dev/environment-id",
} as const;

/**
 * Set on the CR once its env Secret holds the values and is owned by it. A later run (a retry,
 * a start) then leaves the Secret alone: the deployment keeps the values it was rolled out with,
 * and the worker needs no right to read Secrets.
 */
export const ENV_SECRET_ANNOTATION = "slipway.dev/env-secret";
export const ENV_SECRET_APPLIED = "applied";

/** The control plane's server-side-apply field manager, apart from the operator's. */
export const CONTROL_PLANE_FIELD_MANAGER = "slipway-control-plane";
