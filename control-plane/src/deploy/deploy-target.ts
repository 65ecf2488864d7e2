import { existsSync } from "node:fs";
import { type KubeApi, KubeClient, loadKubeConnection } from "@slipway/shared/kube";
import type { Config } from "../config.js";
import type { EnvVarCipher } from "../crypto/env-var-cipher.js";
import { CONTROL_PLANE_FIELD_MANAGER } from "./object-names.js";

const SERVICE_ACCOUNT_TOKEN = "/var/run/secrets/kubernetes.io/serviceaccount/token";

/** Where and how the deploy step rolls deployments out. */
export interface DeployTarget {
  kube: KubeApi;
  cipher: EnvVarCipher;
  /** The one namespace of every app's CR and Secret (`SLIPWAY_APPS_NAMESPACE`). */
  namespace: string;
  previewDomain: string;
  readyTimeoutMs: number;
  /** How often the CR's status is read while waiting; tests shorten it. */
  pollIntervalMs: number;
  /**
   * How long one run of the job waits for Ready before it goes back to the queue (delayed, no
   * attempt used), so long rollouts don't hold worker slots; 30 s by default.
   */
  waitSliceMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

/** The apiserver named by $KUBECONFIG or the in-cluster service account; none outside a cluster. */
export function deployTargetFromConfig(
  config: Pick<
    Config,
    | "SLIPWAY_APPS_NAMESPACE"
    | "SLIPWAY_PREVIEW_DOMAIN"
    | "SLIPWAY_DEPLOY_TIMEOUT_MS"
    | "KUBECONFIG"
    | "KUBERNETES_SERVICE_HOST"
    | "KUBERNETES_SERVICE_PORT"
  >,
  cipher: EnvVarCipher,
): { target: DeployTarget; close(): void } | undefined {
  // A bad kubeconfig stops the boot with its message; no cluster at all is allowed (npm start).
  if (!config.KUBECONFIG && !config.KUBERNETES_SERVICE_HOST) return undefined;
  // A pod without a service-account token (the API, builder nodes: automount off) deploys
  // nothing rather than failing to boot.
  if (!config.KUBECONFIG && !existsSync(SERVICE_ACCOUNT_TOKEN)) return undefined;
  const client = new KubeClient(
    loadKubeConnection({
      KUBECONFIG: config.KUBECONFIG,
      KUBERNETES_SERVICE_HOST: config.KUBERNETES_SERVICE_HOST,
      KUBERNETES_SERVICE_PORT: config.KUBERNETES_SERVICE_PORT,
    }),
    undefined,
    undefined,
    CONTROL_PLANE_FIELD_MANAGER,
  );
  return {
    target: {
      kube: client,
      cipher,
      namespace: config.SLIPWAY_APPS_NAMESPACE,
      previewDomain: config.SLIPWAY_PREVIEW_DOMAIN,
      readyTimeoutMs: config.SLIPWAY_DEPLOY_TIMEOUT_MS,
      pollIntervalMs: 1000,
    },
    close: () => client.close(),
  };
}
