import type {
  DEPLOYMENT_API_VERSION,
  DEPLOYMENT_KIND,
  deploymentPhases,
  deploymentSpecSchema,
  deploymentStatusSchema,
  desiredStates,
} from "./deployment-schema.js";
import type { FromSchema } from "./schema-types.js";

/** The spec as read back from the apiserver: every defaulted field is present. */
export type SlipwayDeploymentSpec = FromSchema<typeof deploymentSpecSchema, "stored">;
/** The spec as a client writes it (`kubectl apply`, the control plane): defaults optional. */
export type SlipwayDeploymentSpecInput = FromSchema<typeof deploymentSpecSchema, "input">;
export type SlipwayDeploymentStatus = FromSchema<typeof deploymentStatusSchema, "stored">;
export type DeploymentCondition = NonNullable<SlipwayDeploymentStatus["conditions"]>[number];
export type RegionStatus = NonNullable<SlipwayDeploymentStatus["regions"]>[number];
export type InstanceStatus = RegionStatus["instances"][number];
export type DeploymentPhase = (typeof deploymentPhases)[number];
export type DesiredState = (typeof desiredStates)[number];

export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  generation?: number;
  resourceVersion?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  finalizers?: string[];
}

/** A `Deployment.slipway.dev/v1alpha1` object as stored. */
export interface SlipwayDeployment {
  apiVersion: typeof DEPLOYMENT_API_VERSION;
  kind: typeof DEPLOYMENT_KIND;
  metadata: ObjectMeta;
  spec: SlipwayDeploymentSpec;
  status?: SlipwayDeploymentStatus;
}

/** What the control plane sends with `kubectl apply` or server-side apply. */
export interface SlipwayDeploymentInput {
  apiVersion: typeof DEPLOYMENT_API_VERSION;
  kind: typeof DEPLOYMENT_KIND;
  metadata: Omit<ObjectMeta, "name"> & { name: string };
  spec: SlipwayDeploymentSpecInput;
}

export const deploymentConditionTypes = {
  ready: "Ready",
  progressing: "Progressing",
  degraded: "Degraded",
} as const;
