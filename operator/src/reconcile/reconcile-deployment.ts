import {
  DEPLOYMENT_API_VERSION,
  DEPLOYMENT_PLURAL,
  type SlipwayDeployment,
  type SlipwayDeploymentStatus,
} from "@slipway/shared";
import { type KubeApi, KubeApiError } from "@slipway/shared/kube";
import { deepEqual, firstDifference } from "../desired/compare.js";
import { type DesiredConfig, makeDesiredObjects, needsApply } from "../desired/desired-objects.js";
import { DEPLOYMENT_LABEL, SLIPWAY_REGION_LABEL } from "../desired/names.js";
import {
  collectionPath,
  type OwnedKindName,
  objectPath,
  ownedKindNames,
  ownedKinds,
} from "../desired/owned-kinds.js";
import type { Logger } from "../runtime/logger.js";
import {
  makeStatus,
  type ObservedPod,
  type ObservedWorkload,
  type ReconcileFailure,
} from "../status/make-status.js";
import { reasons } from "../status/reasons.js";
import { type Reconcile, TerminalError } from "./errors.js";

export interface ReconcilerDeps {
  kube: KubeApi;
  config: DesiredConfig;
  clock: () => Date;
  log: Logger;
}

interface OwnedObject {
  metadata: {
    name: string;
    ownerReferences?: { uid: string; controller?: boolean }[];
    deletionTimestamp?: string;
  };
}

/** While instances are still coming up, look again this often even without events. */
const PROGRESS_RECHECK_MS = 15_000;

export const deploymentPath = (namespace: string, name = "") =>
  `/apis/${DEPLOYMENT_API_VERSION}/namespaces/${namespace}/${DEPLOYMENT_PLURAL}${name ? `/${name}` : ""}`;

/**
 * Level-triggered: reads the CR and everything it owns, applies what differs from the desired
 * objects, deletes what it owns but no longer wants, and writes status only when it changed.
 */
export function createDeploymentReconciler(deps: ReconcilerDeps): Reconcile {
  const { kube, config, clock } = deps;

  return async function reconcile(key) {
    const [namespace, name] = key.split("/") as [string, string];
    const log = deps.log.child({ deployment: key });
    const cr = await kube.find<SlipwayDeployment>(deploymentPath(namespace, name));
    // Gone or going: owner references let the garbage collector remove the children.
    if (!cr || cr.metadata.deletionTimestamp) return {};

    const selector = `labelSelector=${encodeURIComponent(`${DEPLOYMENT_LABEL}=${name}`)}`;
    const observed = new Map<OwnedKindName, Map<string, OwnedObject>>();
    await Promise.all(
      ownedKindNames.map(async (kind) => {
        const list = await kube.get<{ items: OwnedObject[] }>(
          `${collectionPath(ownedKinds[kind], namespace)}?${selector}`,
        );
        const owned = list.items.filter((item) =>
          item.metadata.ownerReferences?.some(
            (ref) => ref.controller && ref.uid === cr.metadata.uid,
          ),
        );
        observed.set(kind, new Map(owned.map((item) => [item.metadata.name, item])));
      }),
    );

    const desired = makeDesiredObjects(cr, config);
    let failure: ReconcileFailure | undefined;
    for (const object of desired) {
      const current = observed.get(object.kind)?.get(object.name);
      if (!needsApply(object.body, current)) continue;
      const path = objectPath(ownedKinds[object.kind], namespace, object.name);
      try {
        const applied = await kube.apply<OwnedObject>(path, object.body);
        observed.get(object.kind)!.set(object.name, applied);
        log.info("applied", {
          kind: object.kind,
          name: object.name,
          changed: current
            ? (firstDifference(
                object.body.spec ?? object.body,
                (current as { spec?: unknown }).spec ?? current,
              ) ?? "metadata")
            : "created",
        });
      } catch (error) {
        // Invalid or forbidden objects stay so until the spec changes: report, don't retry.
        if (error instanceof KubeApiError && (error.status === 422 || error.status === 400)) {
          failure = {
            reason: reasons.applyFailed,
            message: `${object.kind} ${object.name}: ${error.message}`,
          };
          break;
        }
        throw error;
      }
    }

    if (!failure) {
      for (const kind of ownedKindNames) {
        for (const [objectName, current] of observed.get(kind)!) {
          if (current.metadata.deletionTimestamp) continue;
          if (desired.some((d) => d.kind === kind && d.name === objectName)) continue;
          await kube.remove(objectPath(ownedKinds[kind], namespace, objectName));
          observed.get(kind)!.delete(objectName);
          log.info("deleted", { kind, name: objectName });
        }
      }
    }

    const pods = await kube.get<{ items: ObservedPod[] }>(
      `/api/v1/namespaces/${namespace}/pods?${selector}`,
    );
    const workloads = observed.get("Deployment")!;
    const regions = cr.spec.regions.map((region) => ({
      name: region.name,
      workload: workloads.get(`${name}-${region.name}`) as ObservedWorkload | undefined,
      pods: pods.items.filter((pod) => pod.metadata.labels?.[SLIPWAY_REGION_LABEL] === region.name),
    }));
    const status = makeStatus(cr, regions, clock(), failure);
    await writeStatus(kube, cr, status);
    if (failure) throw new TerminalError(failure.message);
    return status.phase === "Ready" || status.phase === "Idle"
      ? {}
      : { requeueAfterMs: PROGRESS_RECHECK_MS };
  };
}

/** Writes through /status only when something changed; a stale resourceVersion is a 409. */
async function writeStatus(kube: KubeApi, cr: SlipwayDeployment, status: SlipwayDeploymentStatus) {
  if (deepEqual(status, cr.status ?? {})) return;
  const { namespace, name } = cr.metadata;
  await kube.replace(`${deploymentPath(namespace!, name)}/status`, { ...cr, status });
}
