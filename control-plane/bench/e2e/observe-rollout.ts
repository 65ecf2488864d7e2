import { deploymentCrPath } from "@slipway/shared";
import type { KubeApi } from "@slipway/shared/kube";
import { crNameOf } from "../../src/deploy/object-names.js";

const POLL_MS = 50;

interface PodList {
  items: { status?: { conditions?: { type: string; status: string }[] } }[];
}

/** One request through Sentinel: the status and, for a 200 of examples/hello, who answered. */
export type AskSentinel = (host: string) => Promise<{ status: number; body: string }>;

/** examples/hello answers with its UNKEY_* environment; the deployment id says who it is. */
function answeredBy(response: { status: number; body: string }): string | undefined {
  if (response.status !== 200) return undefined;
  try {
    return (JSON.parse(response.body) as { unkey?: Record<string, string> }).unkey
      ?.UNKEY_DEPLOYMENT_ID;
  } catch {
    return undefined;
  }
}

export interface RolloutMoments {
  crApplied?: number;
  podReady?: number;
  first200?: number;
}

/**
 * Watches one deployment from the outside, every 50 ms, until `host` answers through Sentinel
 * from this very deployment: when its CR first reads back, when one of its pods is first Ready,
 * when the first 200 comes. Each check runs on its own, so a slow one does not delay the others.
 */
export async function observeRollout(input: {
  kube: KubeApi;
  namespace: string;
  deploymentId: string;
  host: string;
  askSentinel: AskSentinel;
  timeoutMs: number;
}): Promise<RolloutMoments> {
  const moments: RolloutMoments = {};
  const crName = crNameOf(input.deploymentId);
  const podsPath = `/api/v1/namespaces/${input.namespace}/pods?labelSelector=${encodeURIComponent(
    `slipway.dev/deployment=${crName}`,
  )}`;
  const deadline = Date.now() + input.timeoutMs;
  const sleep = () => new Promise((resolve) => setTimeout(resolve, POLL_MS));

  async function untilCr() {
    while (moments.crApplied === undefined && Date.now() < deadline) {
      const cr = await input.kube
        .find(deploymentCrPath(input.namespace, crName))
        .catch(() => undefined);
      if (cr) moments.crApplied = Date.now();
      else await sleep();
    }
  }
  async function untilPodReady() {
    while (moments.podReady === undefined && Date.now() < deadline) {
      const pods = await input.kube.get<PodList>(podsPath).catch(() => ({ items: [] }) as PodList);
      const ready = pods.items.some((pod) =>
        pod.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True"),
      );
      if (ready) moments.podReady = Date.now();
      else await sleep();
    }
  }
  async function untilFirst200() {
    while (moments.first200 === undefined && Date.now() < deadline) {
      const response = await input.askSentinel(input.host).catch(() => ({ status: 0, body: "" }));
      if (answeredBy(response) === input.deploymentId) moments.first200 = Date.now();
      else await sleep();
    }
  }
  await Promise.all([untilCr(), untilPodReady(), untilFirst200()]);
  return moments;
}
