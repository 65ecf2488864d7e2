/** The part of any Kubernetes object the informers, their caches and the reconciler read. */
export interface KubeObject {
  metadata: {
    name: string;
    namespace?: string;
    resourceVersion?: string;
    labels?: Record<string, string>;
    ownerReferences?: {
      kind: string;
      name: string;
      apiVersion: string;
      uid: string;
      controller?: boolean;
    }[];
    deletionTimestamp?: string;
  };
}
