import { createHash } from "node:crypto";
import type { SlipwayDeployment } from "@slipway/shared";
import type { OperatorConfig } from "../config.js";
import { APPLIED_HASH_ANNOTATION, canonicalJson, isContained } from "./compare.js";
import { makeHpa, makePdb } from "./make-autoscaling.js";
import { makeNetworkPolicy, makeService } from "./make-network.js";
import { makeWorkload } from "./make-workload.js";
import type { OwnedKindName } from "./owned-kinds.js";

export interface DesiredObject {
  kind: OwnedKindName;
  name: string;
  body: { metadata: { name: string } } & Record<string, unknown>;
}

export type DesiredConfig = Pick<
  OperatorConfig,
  "diskMode" | "diskStorageClass" | "runAsNonRoot" | "sentinelNamespace"
>;

/** Every object the CR should own, in the order they are applied. Pure. */
export function makeDesiredObjects(cr: SlipwayDeployment, cfg: DesiredConfig): DesiredObject[] {
  const objects: DesiredObject[] = [];
  const add = (kind: OwnedKindName, body: DesiredObject["body"] | undefined) => {
    if (body) objects.push({ kind, name: body.metadata.name, body: withAppliedHash(body) });
  };
  add("NetworkPolicy", makeNetworkPolicy(cr, cfg));
  for (const region of cr.spec.regions) {
    add("Service", makeService(cr, region));
    add("PodDisruptionBudget", makePdb(cr, region));
    add("Deployment", makeWorkload(cr, region, cfg));
    add("HorizontalPodAutoscaler", makeHpa(cr, region));
  }
  return objects;
}

/**
 * Stamps the hash of what is applied onto the object. Containment alone cannot see a field
 * the operator stopped sending (e.g. `replicas: 0` after idle); a changed hash can.
 */
export function withAppliedHash<T extends DesiredObject["body"]>(body: T): T {
  const hash = createHash("sha256").update(canonicalJson(body)).digest("hex").slice(0, 16);
  const metadata = body.metadata as { annotations?: Record<string, string> };
  return {
    ...body,
    metadata: {
      ...body.metadata,
      annotations: { ...metadata.annotations, [APPLIED_HASH_ANNOTATION]: hash },
    },
  };
}

/** An observed object needs an apply unless it holds everything desired under the same hash. */
export function needsApply(desired: DesiredObject["body"], observed: unknown): boolean {
  // Items of a list carry no apiVersion and kind; the path already pins both.
  const { apiVersion: _apiVersion, kind: _kind, ...fields } = desired;
  return observed === undefined || !isContained(fields, observed);
}
