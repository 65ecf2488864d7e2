import { setTimeout as sleep } from "node:timers/promises";
import {
  deploymentCrPath,
  type SlipwayDeployment,
  type SlipwayDeploymentInput,
} from "@slipway/shared";
import { apiserverMessage, isConflict, type KubeApi, KubeApiError } from "@slipway/shared/kube";
import type { SecretObject } from "./make-deployment-cr.js";
import { secretPathOf } from "./object-names.js";
import { judgeRollout, type RolloutOutcome } from "./rollout-outcome.js";

/** The apiserver refused the CR itself (schema, CEL rules): retrying cannot help. */
export class RolloutRejectedError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "RolloutRejectedError";
  }
}

/** Creates the apps namespace when it is missing (a fresh cluster); idempotent. */
export async function ensureNamespace(kube: KubeApi, namespace: string): Promise<void> {
  if (await kube.find(`/api/v1/namespaces/${namespace}`)) return;
  try {
    await kube.create("/api/v1/namespaces", {
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { name: namespace },
    });
  } catch (error) {
    if (!isConflict(error)) throw error;
  }
}

/**
 * Server-side applies the env Secret. An apiserver error can quote the object it refused, so
 * the error thrown here names the Secret and the status only, never the body.
 */
export async function applyEnvSecret(kube: KubeApi, secret: SecretObject): Promise<void> {
  try {
    await kube.apply(secretPathOf(secret.metadata.namespace, secret.metadata.name), secret);
  } catch (error) {
    const status = error instanceof KubeApiError ? `HTTP ${error.status} ${error.reason}` : "";
    throw new Error(
      `applying the env Secret ${secret.metadata.namespace}/${secret.metadata.name} failed ${status}`.trim(),
    );
  }
}

/** Server-side applies the CR; returns it as stored (with its uid for owner references). */
export async function applyDeploymentCr(
  kube: KubeApi,
  cr: SlipwayDeploymentInput,
): Promise<SlipwayDeployment> {
  const path = deploymentCrPath(cr.metadata.namespace!, cr.metadata.name);
  try {
    return await kube.apply<SlipwayDeployment>(path, cr);
  } catch (error) {
    if (error instanceof KubeApiError && (error.status === 422 || error.status === 400)) {
      throw new RolloutRejectedError(apiserverMessage(error), { cause: error });
    }
    throw error;
  }
}

export function readDeploymentCr(
  kube: KubeApi,
  namespace: string,
  name: string,
): Promise<SlipwayDeployment | undefined> {
  return kube.find<SlipwayDeployment>(deploymentCrPath(namespace, name));
}

/** Deletes the CR; owner references take its workloads and its Secret with it. */
export function deleteDeploymentCr(kube: KubeApi, namespace: string, name: string) {
  return kube.remove(deploymentCrPath(namespace, name));
}

export type WaitResult =
  | Exclude<RolloutOutcome, { kind: "waiting" }>
  | { kind: "timeout"; detail: string }
  | { kind: "interrupted" };

/**
 * Reads the CR's status until the rollout is decided, the deadline passes, or `interrupted`
 * says the deployment moved on without us (stopped meanwhile). Polling rather than a watch:
 * one GET a second per rollout in progress is cheap, and it needs no resync logic.
 */
export async function waitForRollout(input: {
  kube: KubeApi;
  namespace: string;
  name: string;
  timeoutMs: number;
  pollIntervalMs: number;
  interrupted: () => Promise<boolean>;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}): Promise<WaitResult> {
  const now = input.now ?? Date.now;
  const pause = input.sleep ?? ((ms: number) => sleep(ms));
  const deadline = now() + input.timeoutMs;
  let detail = "no status yet";
  for (;;) {
    const outcome = judgeRollout(await readDeploymentCr(input.kube, input.namespace, input.name));
    if (outcome.kind !== "waiting") return outcome;
    detail = outcome.detail;
    if (await input.interrupted()) return { kind: "interrupted" };
    if (now() >= deadline) return { kind: "timeout", detail };
    await pause(input.pollIntervalMs);
  }
}
