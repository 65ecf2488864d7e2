import { onHarnessTeardown } from "@slipway/shared/harness-teardown";
import { type KubeApi, KubeClient, loadKubeConnection } from "@slipway/shared/kube";
import { defaultConfig } from "../../../operator/src/config.js";
import { installCrds } from "../../../operator/src/crd/install-crds.js";
import { startOperator } from "../../../operator/src/operator.js";
import { jsonLogger, silentLogger } from "../../../operator/src/runtime/logger.js";
import { Metrics } from "../../../operator/src/runtime/metrics.js";
import type { Config } from "../../src/config.js";
import { createEnvVarCipher } from "../../src/crypto/env-var-cipher.js";
import type { DeployTarget } from "../../src/deploy/deploy-target.js";
import { CONTROL_PLANE_FIELD_MANAGER } from "../../src/deploy/object-names.js";

export const testPreviewDomain = "preview.slipway.test";

/**
 * The worker's RBAC (charts/slipway) lets it write Secrets in the apps namespace but not read
 * them; the deploy step's client in tests refuses reads too, so a step that needs one fails here.
 */
function withoutSecretReads(kube: KubeApi): KubeApi {
  const refuse = (path: string) => {
    if (/\/secrets(\/|\?|$)/.test(path)) {
      throw new Error(`the deploy step may not read Secrets (GET ${path})`);
    }
  };
  return {
    get(path) {
      refuse(path);
      return kube.get(path);
    },
    find(path) {
      refuse(path);
      return kube.find(path);
    },
    apply: (path, body) => kube.apply(path, body),
    create: (path, body) => kube.create(path, body),
    replace: (path, body) => kube.replace(path, body),
    remove: (path) => kube.remove(path),
    openWatch: (path, signal) => kube.openWatch(path, signal),
  };
}

export interface TestCluster {
  /** The control plane's client (its field manager), for reading what the deploy step wrote. */
  kube: KubeClient;
  /** This file's own apps namespace, watched by this file's own operator. */
  namespace: string;
  /** What the pipeline harness's worker rolls out to (`startTestPipeline({ deploy })`). */
  deployTarget(config: Config): DeployTarget;
}

/**
 * The testbed cluster (started by its global setup) with the CRD installed, a fresh namespace
 * and the operator running in this process, watching only that namespace. The operator is
 * the real one: the control plane's CR is reconciled into workloads on kwok nodes.
 */
export async function startTestCluster(): Promise<TestCluster> {
  if (!process.env.KUBECONFIG) throw new Error("the testbed global setup did not set KUBECONFIG");
  const connection = loadKubeConnection(process.env);
  const kube = new KubeClient(connection, undefined, undefined, CONTROL_PLANE_FIELD_MANAGER);
  const operatorKube = new KubeClient(connection);
  await installCrds(operatorKube);
  const namespace = (
    await kube.create<{ metadata: { name: string } }>("/api/v1/namespaces", {
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { generateName: "cp-deploy-" },
    })
  ).metadata.name;
  const operator = startOperator({
    kube: operatorKube,
    config: { ...defaultConfig, watchNamespace: namespace, sentinelNamespace: "slipway-system" },
    clock: () => new Date(),
    log: process.env.SLIPWAY_TEST_LOG ? jsonLogger("debug") : silentLogger,
    metrics: new Metrics(),
  });
  await operator.synced;
  onHarnessTeardown(async () => {
    await operator.stop();
    await kube.remove(`/api/v1/namespaces/${namespace}`);
    operatorKube.close();
    kube.close();
  });
  return {
    kube,
    namespace,
    deployTarget: (config) => ({
      kube: withoutSecretReads(kube),
      cipher: createEnvVarCipher(config.SLIPWAY_ENCRYPTION_KEYS),
      namespace,
      previewDomain: testPreviewDomain,
      readyTimeoutMs: 90_000,
      pollIntervalMs: 200,
    }),
  };
}
