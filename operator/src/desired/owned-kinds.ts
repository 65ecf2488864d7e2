/** The kinds the operator owns, with their REST paths. */
export interface OwnedKind {
  kind: string;
  apiVersion: string;
  plural: string;
}

export const ownedKinds = {
  Deployment: { kind: "Deployment", apiVersion: "apps/v1", plural: "deployments" },
  HorizontalPodAutoscaler: {
    kind: "HorizontalPodAutoscaler",
    apiVersion: "autoscaling/v2",
    plural: "horizontalpodautoscalers",
  },
  Service: { kind: "Service", apiVersion: "v1", plural: "services" },
  PodDisruptionBudget: {
    kind: "PodDisruptionBudget",
    apiVersion: "policy/v1",
    plural: "poddisruptionbudgets",
  },
  NetworkPolicy: {
    kind: "NetworkPolicy",
    apiVersion: "networking.k8s.io/v1",
    plural: "networkpolicies",
  },
} as const satisfies Record<string, OwnedKind>;

export type OwnedKindName = keyof typeof ownedKinds;
export const ownedKindNames = Object.keys(ownedKinds) as OwnedKindName[];

export const apiPrefix = (apiVersion: string) =>
  apiVersion.includes("/") ? `/apis/${apiVersion}` : `/api/${apiVersion}`;

/** Collection path; all namespaces when namespace is undefined. */
export function collectionPath(kind: OwnedKind, namespace?: string): string {
  const ns = namespace === undefined ? "" : `/namespaces/${namespace}`;
  return `${apiPrefix(kind.apiVersion)}${ns}/${kind.plural}`;
}

export const objectPath = (kind: OwnedKind, namespace: string, name: string) =>
  `${collectionPath(kind, namespace)}/${name}`;
