/**
 * Helpers for tests that run against a testbed cluster, shared by the testbed's own tests and
 * other packages' (`@slipway/testbed/test-helpers`), with the one Kubernetes client
 * (`@slipway/shared/kube`) or a wrapper of it.
 */
import { setTimeout as sleep } from "node:timers/promises";

/** Polls `probe` every 250 ms until it returns a value; the last error explains a timeout. */
export async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 90_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    await sleep(250);
  }
  throw new Error(`timed out waiting for ${what}${lastError ? `: ${String(lastError)}` : ""}`);
}

/** The two calls freshNamespace needs; get must reject on 404. */
export interface NamespaceApi {
  create<T>(path: string, body: unknown): Promise<T>;
  get<T>(path: string): Promise<T>;
}

/**
 * A new namespace `<prefix>-xxxxx`, returned once its default ServiceAccount exists: pods
 * created before that are rejected, which would make a test's first rollout back off.
 */
export async function freshNamespace(kube: NamespaceApi, prefix: string): Promise<string> {
  const ns = await kube.create<{ metadata: { name: string } }>("/api/v1/namespaces", {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: { generateName: `${prefix}-` },
  });
  const name = ns.metadata.name;
  await eventually(`the default ServiceAccount in ${name}`, () =>
    kube.get(`/api/v1/namespaces/${name}/serviceaccounts/default`).then(() => true),
  );
  return name;
}
