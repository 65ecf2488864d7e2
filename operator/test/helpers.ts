import {
  DEPLOYMENT_API_VERSION,
  DEPLOYMENT_KIND,
  type SlipwayDeploymentInput,
  type SlipwayDeploymentSpecInput,
} from "@slipway/shared";
import { KubeClient, loadKubeConnection, type RequestRecord } from "@slipway/shared/kube";

/** A client for the cluster the testbed global setup started; `requests` records every call. */
export function testClient(requests?: RequestRecord[]): KubeClient {
  if (!process.env.KUBECONFIG) throw new Error("the testbed global setup did not set KUBECONFIG");
  return new KubeClient(loadKubeConnection(process.env), (r) => requests?.push(r));
}

export { eventually, freshNamespace } from "@slipway/testbed/test-helpers";

export function sampleDeployment(
  name: string,
  spec: Partial<SlipwayDeploymentSpecInput> = {},
): SlipwayDeploymentInput {
  return {
    apiVersion: DEPLOYMENT_API_VERSION,
    kind: DEPLOYMENT_KIND,
    metadata: { name },
    spec: {
      image: "registry.invalid/acme/api@sha256:0123",
      workspaceId: "ws_test",
      projectId: "prj_test",
      appId: "app_test",
      environmentId: "env_test",
      environmentSlug: "production",
      regions: [{ name: "eu-1", replicas: { min: 2, max: 4 } }],
      ...spec,
    },
  };
}
