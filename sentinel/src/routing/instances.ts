/** One ready pod of a deployment, addressed directly (no Service hop). */
export interface Instance {
  /** Stable name for logs: the pod name, or the address when the slice has none. */
  id: string;
  address: string;
  port: number;
  region: string;
}

/** Ready instances of a deployment, by region. An empty or missing list means none. */
export type InstancesByRegion = ReadonlyMap<string, readonly Instance[]>;

/**
 * Where instances come from: the EndpointSlice watcher in production, a fixed list in tests.
 * Reads are synchronous from a cache that the source keeps current.
 */
export interface InstanceSource {
  instances(deploymentId: string): InstancesByRegion;
  /** Resolves once the first full list has been read. */
  ready(): Promise<void>;
  close(): Promise<void>;
}

export class StaticInstanceSource implements InstanceSource {
  // By region, built once per change (as the EndpointSlice source keeps it), not per request.
  private readonly byRegion = new Map<string, InstancesByRegion>();

  constructor(private byDeployment: Map<string, Instance[]> = new Map()) {}

  set(deploymentId: string, instances: Instance[]): void {
    this.byDeployment.set(deploymentId, instances);
    this.byRegion.delete(deploymentId);
  }

  instances(deploymentId: string): InstancesByRegion {
    let byRegion = this.byRegion.get(deploymentId);
    if (!byRegion) {
      byRegion = groupByRegion(this.byDeployment.get(deploymentId) ?? []);
      this.byRegion.set(deploymentId, byRegion);
    }
    return byRegion;
  }

  async ready(): Promise<void> {}
  async close(): Promise<void> {}
}

function groupByRegion(instances: readonly Instance[]): InstancesByRegion {
  const byRegion = new Map<string, Instance[]>();
  for (const instance of instances) {
    const list = byRegion.get(instance.region);
    if (list) list.push(instance);
    else byRegion.set(instance.region, [instance]);
  }
  return byRegion;
}
