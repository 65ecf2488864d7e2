import type { Instance, InstancesByRegion } from "./instances.js";

export interface RegionPreference {
  /** This Sentinel's region (`SLIPWAY_REGION`). */
  own: string;
  /** Other regions, nearest first; regions not listed come after, by name. */
  proximity: readonly string[];
}

/**
 * The instances to try, in order: the nearest region that has ready instances, starting at
 * `turn` (round robin), then the instances of the next regions, so a retry after a failed
 * connect moves on without ever picking a region that has none. Empty means 503.
 */
export function chooseInstances(
  byRegion: InstancesByRegion,
  preference: RegionPreference,
  turn: number,
): Instance[] {
  const candidates: Instance[] = [];
  for (const region of regionOrder(byRegion, preference)) {
    const instances = byRegion.get(region)!;
    const start = ((turn % instances.length) + instances.length) % instances.length;
    for (let i = 0; i < instances.length; i++) {
      candidates.push(instances[(start + i) % instances.length]!);
    }
  }
  return candidates;
}

// Instance sources keep one map per deployment until its instances change, so the order of its
// regions is worked out once per change, not per request.
const orders = new WeakMap<
  InstancesByRegion,
  { preference: RegionPreference; regions: string[] }
>();

/** The regions that have instances, nearest first. */
function regionOrder(byRegion: InstancesByRegion, preference: RegionPreference): string[] {
  const known = orders.get(byRegion);
  if (known?.preference === preference) return known.regions;
  const order = [preference.own, ...preference.proximity.filter((r) => r !== preference.own)];
  const rest = [...byRegion.keys()].filter((region) => !order.includes(region)).sort();
  const regions = [...order, ...rest].filter((region) => (byRegion.get(region)?.length ?? 0) > 0);
  orders.set(byRegion, { preference, regions });
  return regions;
}
