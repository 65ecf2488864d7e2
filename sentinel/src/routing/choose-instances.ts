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
  const order = [preference.own, ...preference.proximity.filter((r) => r !== preference.own)];
  const rest = [...byRegion.keys()].filter((region) => !order.includes(region)).sort();
  const candidates: Instance[] = [];
  for (const region of [...order, ...rest]) {
    const instances = byRegion.get(region);
    if (!instances || instances.length === 0) continue;
    const start = ((turn % instances.length) + instances.length) % instances.length;
    for (let i = 0; i < instances.length; i++) {
      candidates.push(instances[(start + i) % instances.length]!);
    }
  }
  return candidates;
}
