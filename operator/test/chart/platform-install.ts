import type { KubeClient } from "@slipway/shared/kube";
import { parseAllDocuments } from "yaml";
import { helmTemplate } from "./helm.js";

export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    annotations?: Record<string, string>;
  };
  // biome-ignore lint/suspicious/noExplicitAny: rendered objects are read by path in assertions
  spec?: any;
  // biome-ignore lint/suspicious/noExplicitAny: as above
  [field: string]: any;
}

const plural: Record<string, string> = {
  CustomResourceDefinition: "customresourcedefinitions",
  Namespace: "namespaces",
  ServiceAccount: "serviceaccounts",
  ClusterRole: "clusterroles",
  ClusterRoleBinding: "clusterrolebindings",
  Role: "roles",
  RoleBinding: "rolebindings",
  Deployment: "deployments",
  StatefulSet: "statefulsets",
  Job: "jobs",
  Service: "services",
  ConfigMap: "configmaps",
  NetworkPolicy: "networkpolicies",
  Ingress: "ingresses",
  PodDisruptionBudget: "poddisruptionbudgets",
  Pod: "pods",
  Secret: "secrets",
};

const clusterScoped = new Set([
  "CustomResourceDefinition",
  "Namespace",
  "ClusterRole",
  "ClusterRoleBinding",
]);

/** Workloads are applied as dry runs: their images are not built here, the apiserver still validates them. */
const dryRunKinds = new Set(["Deployment", "StatefulSet", "Job", "Pod"]);

export function objectPath(manifest: Manifest): string {
  const prefix = manifest.apiVersion.includes("/")
    ? `/apis/${manifest.apiVersion}`
    : `/api/${manifest.apiVersion}`;
  const ns = manifest.metadata.namespace ? `/namespaces/${manifest.metadata.namespace}` : "";
  const kind = plural[manifest.kind];
  if (!kind) throw new Error(`the chart renders a ${manifest.kind}; add its plural here`);
  return `${prefix}${ns}/${kind}/${manifest.metadata.name}`;
}

export async function render(
  helm: string,
  release: string,
  namespace: string,
  values: Record<string, string>,
): Promise<{ text: string; manifests: Manifest[] }> {
  const text = await helmTemplate(helm, release, namespace, values);
  const manifests = parseAllDocuments(text)
    .map((doc) => doc.toJSON() as Manifest | null)
    .filter((m): m is Manifest => m !== null);
  for (const manifest of manifests) {
    // helm install puts namespaced objects without a namespace into the release's.
    if (!clusterScoped.has(manifest.kind)) manifest.metadata.namespace ??= namespace;
  }
  return { text, manifests };
}

/**
 * Server-side applies what `helm install` would create, in its order (namespaces and RBAC
 * before what uses them): everything for real but the workloads, which are dry runs.
 */
export async function applyAll(admin: KubeClient, manifests: Manifest[]): Promise<void> {
  const first = (m: Manifest) =>
    m.kind === "Namespace" || m.kind === "CustomResourceDefinition" ? 0 : 1;
  for (const manifest of [...manifests].sort((a, b) => first(a) - first(b))) {
    const dryRun = dryRunKinds.has(manifest.kind) ? "?dryRun=All" : "";
    await admin.apply(`${objectPath(manifest)}${dryRun}`, manifest);
  }
}

export function find(manifests: Manifest[], kind: string, name: string): Manifest {
  const found = manifests.find((m) => m.kind === kind && m.metadata.name === name);
  if (!found) {
    const all = manifests.map((m) => `${m.kind}/${m.metadata.name}`).join(", ");
    throw new Error(`no ${kind}/${name} among ${all}`);
  }
  return found;
}

export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string; optional?: boolean } };
}

/** The pod spec of a workload (its template's) or of a Pod. */
// biome-ignore lint/suspicious/noExplicitAny: rendered objects are read by path in assertions
export function podSpecOf(manifest: Manifest): any {
  return manifest.kind === "Pod" ? manifest.spec : manifest.spec.template.spec;
}

/** Every manifest that runs containers: workloads and (helm test) Pods. */
export function podManifests(manifests: Manifest[]): Manifest[] {
  return manifests.filter((m) => ["Deployment", "StatefulSet", "Job", "Pod"].includes(m.kind));
}

/** A pod template's first container's env as name → entry. */
export function envOf(workload: Manifest): Record<string, EnvVar> {
  const [container] = podSpecOf(workload).containers as { env: EnvVar[] }[];
  return Object.fromEntries(container!.env.map((entry) => [entry.name, entry]));
}
