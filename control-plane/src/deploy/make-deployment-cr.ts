import {
  DEPLOYMENT_API_VERSION,
  DEPLOYMENT_KIND,
  type DesiredState,
  type EnvironmentRegion,
  type EnvironmentRuntime,
  type SlipwayDeploymentInput,
  type SlipwayDeploymentSpecInput,
} from "@slipway/shared";
import {
  crNameOf,
  ENV_SECRET_ANNOTATION,
  ENV_SECRET_APPLIED,
  envSecretNameOf,
  labelKeys,
} from "./object-names.js";

/** The fields of a deployment row the CR is made of: its immutable snapshot. */
export interface DeploymentSnapshot {
  id: string;
  workspaceId: string;
  projectId: string;
  appId: string;
  environmentId: string;
  image: string;
  runtime: EnvironmentRuntime;
  /** Region names chosen when the deployment was created. */
  regions: string[];
  gitCommitSha: string | null;
  gitBranch: string | null;
  gitRepository: string | null;
  gitCommitMessage: string | null;
}

export interface CrInput {
  deployment: DeploymentSnapshot;
  environment: { slug: string; regions: EnvironmentRegion[] };
  namespace: string;
  desiredState: DesiredState;
  /** The env Secret is written and owned by the CR (see ENV_SECRET_ANNOTATION). */
  envSecretApplied: boolean;
}

/** Bounds as the CRD accepts them (min ≥ 1, min ≤ max); one instance where nothing is set. */
function replicasOf(name: string, environmentRegions: EnvironmentRegion[]) {
  const configured = environmentRegions.find((region) => region.name === name)?.replicas;
  const min = Math.max(1, configured?.min ?? 1);
  return { min, max: Math.max(min, configured?.max ?? min) };
}

const clip = (text: string | null, max: number) => (text ?? "").slice(0, max);

/**
 * Pure: the `Deployment.slipway.dev` CR of a deployment. Everything comes from the row's
 * snapshot (image, runtime, regions, git) except the replica bounds, which follow the
 * environment, and `desiredState`, which follows the deployment's status (stopped → idle).
 */
export function makeDeploymentCr(input: CrInput): SlipwayDeploymentInput {
  const { deployment, environment } = input;
  const runtime = deployment.runtime;
  const spec: SlipwayDeploymentSpecInput = {
    image: deployment.image,
    port: runtime.port,
    ...(runtime.command.length > 0 ? { command: runtime.command } : {}),
    vCpus: runtime.vCpus,
    memoryMib: runtime.memoryMib,
    storageMib: runtime.storageMib,
    shutdownSignal: runtime.shutdownSignal,
    ...(runtime.healthcheck ? { healthcheck: runtime.healthcheck } : {}),
    envSecretRef: { name: envSecretNameOf(deployment.id) },
    workspaceId: deployment.workspaceId,
    projectId: deployment.projectId,
    appId: deployment.appId,
    environmentId: deployment.environmentId,
    environmentSlug: environment.slug,
    git: {
      commitSha: clip(deployment.gitCommitSha, 64),
      branch: clip(deployment.gitBranch, 256),
      repo: clip(deployment.gitRepository, 512),
      commitMessage: clip(deployment.gitCommitMessage, 4096),
    },
    regions: deployment.regions.map((name) => ({
      name,
      replicas: replicasOf(name, environment.regions),
    })),
    upstreamProtocol: runtime.upstreamProtocol,
    desiredState: input.desiredState,
  };
  return {
    apiVersion: DEPLOYMENT_API_VERSION,
    kind: DEPLOYMENT_KIND,
    metadata: {
      name: crNameOf(deployment.id),
      namespace: input.namespace,
      labels: {
        [labelKeys.deploymentId]: deployment.id,
        [labelKeys.workspaceId]: deployment.workspaceId,
        [labelKeys.appId]: deployment.appId,
        [labelKeys.environmentId]: deployment.environmentId,
      },
      ...(input.envSecretApplied
        ? { annotations: { [ENV_SECRET_ANNOTATION]: ENV_SECRET_APPLIED } }
        : {}),
    },
    spec,
  };
}

export interface SecretObject {
  apiVersion: "v1";
  kind: "Secret";
  metadata: {
    name: string;
    namespace: string;
    labels: Record<string, string>;
    ownerReferences?: {
      apiVersion: string;
      kind: string;
      name: string;
      uid: string;
      controller: boolean;
      blockOwnerDeletion: boolean;
    }[];
  };
  type: "Opaque";
  data: Record<string, string>;
}

/**
 * Pure: the Secret the CR's `envSecretRef` names. Owned by the CR once its uid is known, so
 * deleting the CR deletes the values too. The values are the only secret part of a rollout:
 * callers keep this object in memory and never log it.
 */
export function makeEnvSecret(input: {
  deploymentId: string;
  namespace: string;
  variables: Record<string, string>;
  owner?: { name: string; uid: string };
}): SecretObject {
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: {
      name: envSecretNameOf(input.deploymentId),
      namespace: input.namespace,
      labels: { [labelKeys.deploymentId]: input.deploymentId },
      ...(input.owner
        ? {
            ownerReferences: [
              {
                apiVersion: DEPLOYMENT_API_VERSION,
                kind: DEPLOYMENT_KIND,
                name: input.owner.name,
                uid: input.owner.uid,
                controller: true,
                blockOwnerDeletion: true,
              },
            ],
          }
        : {}),
    },
    type: "Opaque",
    data: Object.fromEntries(
      Object.entries(input.variables)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([key, value]) => [key, Buffer.from(value, "utf8").toString("base64")]),
    ),
  };
}
