import { spawn } from "node:child_process";
import type { KubeApi } from "@slipway/shared/kube";

const POLL_MS = 50;

interface PodList {
  items: {
    status?: { podIP?: string; conditions?: { type: string; status: string }[] };
  }[];
}

/** `kubectl apply -f -` with this manifest; resolves when kubectl exits 0. */
function kubectlApply(kubeconfig: string, manifest: unknown): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn("kubectl", ["apply", "-f", "-"], {
      env: { ...process.env, KUBECONFIG: kubeconfig },
      stdio: ["pipe", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.once("error", reject);
    child.once("close", (code) =>
      code === 0 ? resolve() : reject(new Error(`kubectl apply exited ${code}: ${stderr}`)),
    );
    child.stdin.end(JSON.stringify(manifest));
  });
}

export interface PeerMoments {
  started: number;
  applied: number;
  podReady?: number;
  first200?: number;
}

/**
 * What Kubernetes alone costs, measured in the same run: the image a deploy just produced, as
 * a plain Deployment (one replica, no probe, no Service) applied with `kubectl apply`, then
 * requests straight to the pod's IP until the first 200. No build, no registry push, no
 * operator, no Sentinel: the floor under Slipway's own "CR applied → first 200".
 */
export async function measureKubernetesPeer(input: {
  kube: KubeApi;
  kubeconfig: string;
  namespace: string;
  name: string;
  image: string;
  timeoutMs: number;
}): Promise<PeerMoments> {
  const labels = { "app.kubernetes.io/name": input.name };
  const manifest = {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: input.name, namespace: input.namespace },
    spec: {
      replicas: 1,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          containers: [
            {
              name: "app",
              image: input.image,
              ports: [{ containerPort: 8080 }],
              env: [{ name: "PORT", value: "8080" }],
            },
          ],
        },
      },
    },
  };
  const started = Date.now();
  await kubectlApply(input.kubeconfig, manifest);
  const moments: PeerMoments = { started, applied: Date.now() };
  const podsPath = `/api/v1/namespaces/${input.namespace}/pods?labelSelector=${encodeURIComponent(
    `app.kubernetes.io/name=${input.name}`,
  )}`;
  const deadline = started + input.timeoutMs;
  let podIp: string | undefined;
  while (moments.first200 === undefined && Date.now() < deadline) {
    if (moments.podReady === undefined) {
      const pods = await input.kube.get<PodList>(podsPath);
      const ready = pods.items.find((pod) =>
        pod.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True"),
      );
      if (ready?.status?.podIP) {
        moments.podReady = Date.now();
        podIp = ready.status.podIP;
      }
    }
    if (podIp) {
      const status = await fetch(`http://${podIp}:8080/`, { signal: AbortSignal.timeout(2_000) })
        .then(async (response) => {
          await response.arrayBuffer();
          return response.status;
        })
        .catch(() => 0);
      if (status === 200) moments.first200 = Date.now();
    }
    if (moments.first200 === undefined)
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  await input.kube.remove(`/apis/apps/v1/namespaces/${input.namespace}/deployments/${input.name}`);
  return moments;
}
