import { DEPLOYMENT_API_VERSION, DEPLOYMENT_PLURAL } from "@slipway/shared";
import type { KubeApi } from "@slipway/shared/kube";
import type { OperatorConfig } from "./config.js";
import { DEPLOYMENT_LABEL, MANAGED_BY, MANAGED_BY_LABEL } from "./desired/names.js";
import { collectionPath, ownedKindNames, ownedKinds } from "./desired/owned-kinds.js";
import {
  createDeploymentReconciler,
  type ReconcilerCache,
} from "./reconcile/reconcile-deployment.js";
import { Controller } from "./runtime/controller.js";
import type { KubeObject } from "./runtime/kube-object.js";
import { ListWatcher } from "./runtime/list-watcher.js";
import type { Logger } from "./runtime/logger.js";
import type { Metrics } from "./runtime/metrics.js";
import { ObjectStore } from "./runtime/object-store.js";
import { WorkQueue } from "./runtime/work-queue.js";
import { type ObservedPod, observedPodFields } from "./status/make-status.js";

export interface OperatorDeps {
  kube: KubeApi;
  config: OperatorConfig;
  clock: () => Date;
  log: Logger;
  metrics: Metrics;
  /** Watches end and restart this often; tests shorten it. */
  watchTimeoutSeconds?: number;
}

export interface RunningOperator {
  queue: WorkQueue;
  watchers: ListWatcher[];
  /** Resolves once every informer has listed once. */
  synced: Promise<void>;
  stop(): Promise<void>;
}

/**
 * Informers on the CR and on every owned kind (and the pods) enqueue `namespace/name` of the
 * Slipway Deployment concerned; the controller reconciles keys from the queue.
 */
export function startOperator(deps: OperatorDeps): RunningOperator {
  const { kube, config, log, metrics } = deps;
  const queue = new WorkQueue({
    onDepthChange: (depth) => metrics.set("slipway_operator_workqueue_depth", depth),
  });
  const cache: ReconcilerCache = {
    deployments: new ObjectStore(),
    owned: Object.fromEntries(
      ownedKindNames.map((kind) => [kind, new ObjectStore(DEPLOYMENT_LABEL)]),
    ) as ReconcilerCache["owned"],
    pods: new ObjectStore(
      DEPLOYMENT_LABEL,
      (pod) => observedPodFields(pod as unknown as ObservedPod) as unknown as KubeObject,
    ),
  };
  const reconcile = createDeploymentReconciler({ kube, cache, config, clock: deps.clock, log });
  const controller = new Controller({ queue, reconcile, workers: config.workers, log, metrics });
  const ns = config.watchNamespace;
  const nsPart = ns ? `/namespaces/${ns}` : "";

  const watch = (
    path: string,
    store: ObjectStore,
    keyOf: (object: KubeObject) => string | undefined,
  ) =>
    new ListWatcher(kube, {
      path,
      store,
      log,
      watchTimeoutSeconds: deps.watchTimeoutSeconds,
      onRelist: () => metrics.inc("slipway_operator_watch_relists_total"),
      onObject: (object) => {
        const key = keyOf(object);
        if (key) queue.add(key);
      },
    });
  const ownerKey = (object: KubeObject) => {
    const owner = object.metadata.labels?.[DEPLOYMENT_LABEL];
    return owner ? `${object.metadata.namespace}/${owner}` : undefined;
  };
  const managed = `labelSelector=${encodeURIComponent(`${MANAGED_BY_LABEL}=${MANAGED_BY}`)}`;
  const watchers = [
    watch(
      `/apis/${DEPLOYMENT_API_VERSION}${nsPart}/${DEPLOYMENT_PLURAL}`,
      cache.deployments,
      (object) => `${object.metadata.namespace}/${object.metadata.name}`,
    ),
    ...ownedKindNames.map((kind) =>
      watch(`${collectionPath(ownedKinds[kind], ns)}?${managed}`, cache.owned[kind], ownerKey),
    ),
    watch(`/api/v1${nsPart}/pods?${managed}`, cache.pods, ownerKey),
  ];
  for (const watcher of watchers) watcher.start();
  const synced = Promise.all(watchers.map((w) => w.hasSynced)).then(() => undefined);
  // Reconciling before every cache has listed once would take missing children for absent.
  let stopped = false;
  void synced.then(() => {
    if (!stopped) controller.start();
  });
  log.info("operator started", { namespace: ns ?? "(all)", workers: config.workers });
  return {
    queue,
    watchers,
    synced,
    async stop() {
      stopped = true;
      await Promise.all(watchers.map((w) => w.stop()));
      await controller.stop();
      log.info("operator stopped");
    },
  };
}
