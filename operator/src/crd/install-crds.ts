import { setTimeout as sleep } from "node:timers/promises";
import { DEPLOYMENT_CRD_NAME, makeDeploymentCrd } from "@slipway/shared";
import type { KubeApi } from "@slipway/shared/kube";

interface CrdStatus {
  status?: { conditions?: { type: string; status: string }[] };
}

/** Applies the Deployment CRD and waits until the apiserver serves it (Established). */
export async function installCrds(kube: KubeApi, timeoutMs = 60_000): Promise<void> {
  const path = `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${DEPLOYMENT_CRD_NAME}`;
  await kube.apply(path, makeDeploymentCrd());
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const crd = await kube.get<CrdStatus>(path);
    const established = crd.status?.conditions?.some(
      (c) => c.type === "Established" && c.status === "True",
    );
    if (established) return;
    await sleep(200);
  }
  throw new Error(`${DEPLOYMENT_CRD_NAME} was not Established within ${timeoutMs} ms`);
}
