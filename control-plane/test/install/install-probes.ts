import http from "node:http";
import type { KubeClient } from "@slipway/shared/kube";

/**
 * How the install test reaches what runs in the cluster: this host routes the real node's pod
 * subnet over the bridge, so it talks to a Ready pod's address directly (the testbed has no
 * load balancer and no cluster DNS).
 */
export interface ClusterView {
  kube: KubeClient;
}

interface PodList {
  items: {
    metadata: { deletionTimestamp?: string };
    status: { podIP?: string; conditions?: { type: string; status: string }[] };
  }[];
}

/** The address of a Ready, not terminating pod matching the selector; waits up to 60 s. */
export async function readyPodIp(view: ClusterView, namespace: string, selector: string) {
  return waitFor(
    `a Ready pod ${selector} in ${namespace}`,
    async () => {
      const pods = await view.kube.get<PodList>(
        `/api/v1/namespaces/${namespace}/pods?labelSelector=${encodeURIComponent(selector)}`,
      );
      const ready = pods.items.find(
        (pod) =>
          !pod.metadata.deletionTimestamp &&
          pod.status.podIP &&
          pod.status.conditions?.some((c) => c.type === "Ready" && c.status === "True"),
      );
      return ready?.status.podIP;
    },
    60_000,
  );
}

/** The image digests the node's containerd runs for a release's pods (not terminating). */
export async function runningImageDigests(view: ClusterView, namespace: string, release: string) {
  const pods = await view.kube.get<{
    items: {
      metadata: { deletionTimestamp?: string };
      status: { containerStatuses?: { imageID: string }[] };
    }[];
  }>(
    `/api/v1/namespaces/${namespace}/pods?labelSelector=${encodeURIComponent(`app.kubernetes.io/instance=${release}`)}`,
  );
  const digests = pods.items
    .filter((pod) => !pod.metadata.deletionTimestamp)
    // containerd reports `<repository>@<manifest digest>` for an image pulled from a registry.
    .flatMap((pod) =>
      (pod.status.containerStatuses ?? []).map((c) => c.imageID.replace(/^.*@/, "")),
    );
  return [...new Set(digests)].sort();
}

/** Polls `check` until it returns a value; fails naming `what` after `boundMs`. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined>,
  boundMs: number,
): Promise<T> {
  const deadline = Date.now() + boundMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`${what}: not within ${boundMs / 1000} s (last error: ${String(lastError)})`);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

export interface Answer {
  status: number;
  body: string;
}

/**
 * One GET with `Host: host`, on a fresh connection. A request still unanswered after a minute
 * is a failure: far above any answer on a loaded machine, so only a hung request trips it.
 */
export function sendGet(address: string, port: number, host: string, path: string) {
  return new Promise<Answer>((resolve, reject) => {
    const request = http.request(
      { host: address, port, path, headers: { host }, agent: false, timeout: 60_000 },
      (response) => {
        let body = "";
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => {
          body += chunk;
        });
        response.on("end", () => resolve({ status: response.statusCode ?? 0, body }));
        response.on("error", reject);
      },
    );
    request.on("timeout", () => request.destroy(new Error("no answer within 60 s")));
    request.on("error", reject);
    request.end();
  });
}

/**
 * Sends requests back to back until stopped (bounded: at most 100 000); every answer that is
 * not a 200 with `expectedBody`, and every connection error, is a failure.
 */
export function requestLoop(send: () => Promise<Answer>, expectedBody: string) {
  const failures: string[] = [];
  let total = 0;
  let slowestMs = 0;
  let stopped = false;
  const running = (async () => {
    while (!stopped && total < 100_000) {
      total++;
      const sent = performance.now();
      try {
        const { status, body } = await send();
        slowestMs = Math.max(slowestMs, Math.round(performance.now() - sent));
        if (status !== 200 || body !== expectedBody)
          failures.push(`${status} ${body.slice(0, 200)}`);
      } catch (error) {
        failures.push(`${String(error)} after ${Math.round(performance.now() - sent)} ms`);
      }
    }
  })();
  return {
    async stop() {
      stopped = true;
      await running;
      return { total, failures, slowestMs };
    },
  };
}
