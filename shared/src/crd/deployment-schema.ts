/**
 * The `Deployment.slipway.dev/v1alpha1` schema: the one source of truth for the CRD in
 * `crds/deployment.yaml` (generated from it by the operator's `generate-crds` script) and for
 * the TypeScript types in `deployment-types.ts`. Limits and defaults come from the control
 * plane's environment runtime settings, which this spec mirrors.
 */
import {
  defaultRuntime,
  healthcheckMethods,
  runtimeLimits,
  shutdownSignals,
  upstreamProtocols,
} from "../environment-settings.js";
import type { JsonSchemaProps } from "./schema-types.js";

export const SLIPWAY_GROUP = "slipway.dev";
export const DEPLOYMENT_VERSION = "v1alpha1";
export const DEPLOYMENT_API_VERSION = `${SLIPWAY_GROUP}/${DEPLOYMENT_VERSION}` as const;
export const DEPLOYMENT_KIND = "Deployment";
export const DEPLOYMENT_PLURAL = "deployments";
export const DEPLOYMENT_CRD_NAME = `${DEPLOYMENT_PLURAL}.${SLIPWAY_GROUP}`;
export const desiredStates = ["running", "idle"] as const;
export const DEFAULT_TARGET_CPU_UTILIZATION = 80;
/** Regions become parts of object names and label values, so they are DNS labels. */
const DNS_LABEL = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";

const idString = { type: "string", minLength: 1, maxLength: 64 } as const;

const healthcheckSchema = {
  type: "object",
  description: "HTTP probe used for readiness and liveness.",
  required: ["path"],
  properties: {
    method: { type: "string", enum: healthcheckMethods, default: "GET" },
    path: { type: "string", pattern: "^/", maxLength: 1024 },
    intervalSeconds: { type: "integer", minimum: 1, maximum: 300, default: 10 },
    timeoutSeconds: { type: "integer", minimum: 1, maximum: 300, default: 5 },
    failureThreshold: { type: "integer", minimum: 1, maximum: 100, default: 3 },
    initialDelaySeconds: { type: "integer", minimum: 0, maximum: 3600, default: 0 },
  },
} as const;

const regionSchema = {
  type: "object",
  required: ["name"],
  properties: {
    name: { type: "string", pattern: DNS_LABEL, maxLength: 20 },
    replicas: {
      type: "object",
      // Defaults must pass the CEL rule below, so this one is spelt out rather than {}.
      default: { min: 1, max: 1 },
      properties: {
        min: { type: "integer", minimum: 1, maximum: runtimeLimits.replicas.max, default: 1 },
        max: { type: "integer", minimum: 1, maximum: runtimeLimits.replicas.max, default: 1 },
      },
      "x-kubernetes-validations": [
        { rule: "self.min <= self.max", message: "replicas.min must not exceed replicas.max" },
      ],
    },
  },
} as const;

export const deploymentSpecSchema = {
  type: "object",
  description: "One immutable Slipway deployment: one image, one configuration.",
  required: [
    "image",
    "workspaceId",
    "projectId",
    "appId",
    "environmentId",
    "environmentSlug",
    "regions",
  ],
  properties: {
    image: { type: "string", minLength: 1, maxLength: 1024 },
    port: {
      type: "integer",
      minimum: runtimeLimits.port.min,
      maximum: runtimeLimits.port.max,
      default: defaultRuntime.port,
    },
    command: { type: "array", items: { type: "string" }, maxItems: 64 },
    vCpus: {
      type: "number",
      minimum: runtimeLimits.vCpus.min,
      maximum: runtimeLimits.vCpus.max,
      multipleOf: runtimeLimits.vCpus.step,
      default: defaultRuntime.vCpus,
    },
    memoryMib: {
      type: "integer",
      minimum: runtimeLimits.memoryMib.min,
      maximum: runtimeLimits.memoryMib.max,
      multipleOf: runtimeLimits.memoryMib.step,
      default: defaultRuntime.memoryMib,
    },
    storageMib: {
      type: "integer",
      description: "Ephemeral disk mounted at /data; 0 means none.",
      minimum: runtimeLimits.storageMib.min,
      maximum: runtimeLimits.storageMib.max,
      default: defaultRuntime.storageMib,
    },
    shutdownSignal: {
      type: "string",
      enum: shutdownSignals,
      default: defaultRuntime.shutdownSignal,
    },
    healthcheck: healthcheckSchema,
    envSecretRef: {
      type: "object",
      description: "Secret whose keys become environment variables; UNKEY_* and PORT win.",
      required: ["name"],
      properties: { name: { type: "string", pattern: DNS_LABEL, maxLength: 253 } },
    },
    workspaceId: idString,
    projectId: idString,
    appId: idString,
    environmentId: idString,
    environmentSlug: { type: "string", minLength: 1, maxLength: 64 },
    git: {
      type: "object",
      default: {},
      properties: {
        commitSha: { type: "string", maxLength: 64, default: "" },
        branch: { type: "string", maxLength: 256, default: "" },
        repo: { type: "string", maxLength: 512, default: "" },
        commitMessage: { type: "string", maxLength: 4096, default: "" },
      },
    },
    regions: {
      type: "array",
      minItems: 1,
      maxItems: 32,
      items: regionSchema,
      "x-kubernetes-list-type": "map",
      "x-kubernetes-list-map-keys": ["name"],
    },
    autoscaling: {
      type: "object",
      default: {},
      properties: {
        targetCpuUtilization: {
          type: "integer",
          minimum: 1,
          maximum: 100,
          default: DEFAULT_TARGET_CPU_UTILIZATION,
        },
      },
    },
    upstreamProtocol: {
      type: "string",
      enum: upstreamProtocols,
      default: defaultRuntime.upstreamProtocol,
    },
    desiredState: { type: "string", enum: desiredStates, default: "running" },
  },
  "x-kubernetes-validations": [
    // One CR is one immutable deployment; only scaling and desiredState may change.
    { rule: "self.image == oldSelf.image", message: "image is immutable" },
    { rule: "self.git == oldSelf.git", message: "git is immutable" },
  ],
} as const satisfies JsonSchemaProps;

const conditionSchema = {
  type: "object",
  required: ["type", "status"],
  properties: {
    type: { type: "string" },
    status: { type: "string", enum: ["True", "False", "Unknown"] },
    observedGeneration: { type: "integer" },
    lastTransitionTime: { type: "string", format: "date-time" },
    reason: { type: "string" },
    message: { type: "string" },
  },
} as const;

export const deploymentPhases = ["Pending", "Progressing", "Ready", "Idle", "Degraded"] as const;

export const deploymentStatusSchema = {
  type: "object",
  properties: {
    observedGeneration: { type: "integer" },
    phase: { type: "string", enum: deploymentPhases },
    readyReplicas: { type: "integer" },
    conditions: {
      type: "array",
      items: conditionSchema,
      "x-kubernetes-list-type": "map",
      "x-kubernetes-list-map-keys": ["type"],
    },
    regions: {
      type: "array",
      items: {
        type: "object",
        required: ["name", "readyReplicas", "replicas", "instances"],
        properties: {
          name: { type: "string" },
          replicas: { type: "integer" },
          readyReplicas: { type: "integer" },
          instances: {
            type: "array",
            items: {
              type: "object",
              required: ["name", "region", "phase"],
              properties: {
                name: { type: "string" },
                ip: { type: "string" },
                region: { type: "string" },
                phase: { type: "string" },
                ready: { type: "boolean" },
              },
            },
          },
        },
      },
    },
  },
} as const satisfies JsonSchemaProps;

export const deploymentSchema = {
  type: "object",
  required: ["spec"],
  properties: {
    apiVersion: { type: "string" },
    kind: { type: "string" },
    metadata: { type: "object" },
    spec: deploymentSpecSchema,
    status: deploymentStatusSchema,
  },
} as const satisfies JsonSchemaProps;
