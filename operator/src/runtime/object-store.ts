import type { KubeObject } from "./kube-object.js";

/**
 * An informer's cache: the last known version of every object one ListWatcher sees, keyed
 * `namespace/name` and indexed by the label naming the owning CR, so a reconcile reads what
 * it owns from memory instead of asking the apiserver (client-go's Indexer, small).
 */
export class ObjectStore<T extends KubeObject = KubeObject> {
  private readonly objects = new Map<string, T>();
  private readonly byOwner = new Map<string, Set<string>>();

  /**
   * `ownerLabel` names the label whose value is the owning CR's name (none for the CRs);
   * `keep` trims each object to what the reconciler reads, so thousands stay small.
   */
  constructor(
    private readonly ownerLabel?: string,
    private readonly keep: (object: T) => T = (object) => object,
  ) {}

  get size(): number {
    return this.objects.size;
  }

  get(namespace: string, name: string): T | undefined {
    return this.objects.get(`${namespace}/${name}`);
  }

  /** Objects in `namespace` whose owner label is `owner`. */
  ownedBy(namespace: string, owner: string): T[] {
    const keys = this.byOwner.get(`${namespace}/${owner}`);
    if (!keys) return [];
    const found: T[] = [];
    for (const key of keys) {
      const object = this.objects.get(key);
      if (object) found.push(object);
    }
    return found;
  }

  /**
   * Stores an object unless the store already holds a newer version. Our own writes are
   * stored as soon as the apiserver answers, so a watch event still in flight from before
   * that write must not roll the cache back. resourceVersions are opaque by contract but
   * etcd's revisions in practice; anything non-numeric is simply taken as newer.
   */
  upsert(raw: T): void {
    const object = this.keep(withoutManagedFields(raw));
    const key = keyOf(object);
    const held = this.objects.get(key);
    if (held && isOlder(object.metadata.resourceVersion, held.metadata.resourceVersion)) return;
    if (held) this.unindex(key, held);
    this.objects.set(key, object);
    const owner = this.ownerOf(object);
    if (owner) {
      const keys = this.byOwner.get(owner) ?? new Set<string>();
      keys.add(key);
      this.byOwner.set(owner, keys);
    }
  }

  remove(object: KubeObject): void {
    const key = keyOf(object);
    const held = this.objects.get(key);
    if (!held) return;
    this.unindex(key, held);
    this.objects.delete(key);
  }

  /** A fresh list replaces everything; returns what vanished, so its owners get a look too. */
  replace(items: T[]): T[] {
    const listed = new Set(items.map(keyOf));
    const vanished = [...this.objects.entries()]
      .filter(([key]) => !listed.has(key))
      .map(([, object]) => object);
    this.objects.clear();
    this.byOwner.clear();
    for (const item of items) this.upsert(item);
    return vanished;
  }

  private ownerOf(object: KubeObject): string | undefined {
    if (!this.ownerLabel) return undefined;
    const owner = object.metadata.labels?.[this.ownerLabel];
    return owner ? `${object.metadata.namespace ?? ""}/${owner}` : undefined;
  }

  private unindex(key: string, object: T): void {
    const owner = this.ownerOf(object);
    if (!owner) return;
    const keys = this.byOwner.get(owner);
    keys?.delete(key);
    if (keys?.size === 0) this.byOwner.delete(owner);
  }
}

const keyOf = (object: KubeObject) => `${object.metadata.namespace ?? ""}/${object.metadata.name}`;

function isOlder(incoming: string | undefined, held: string | undefined): boolean {
  if (!incoming || !held || !/^\d+$/.test(incoming) || !/^\d+$/.test(held)) return false;
  return BigInt(incoming) < BigInt(held);
}

/**
 * managedFields are the largest part of a server-side-applied object and nothing the operator
 * reads; dropping them keeps thousands of cached objects small (client-go's informers offer
 * the same transform).
 */
function withoutManagedFields<T extends KubeObject>(object: T): T {
  const metadata = object.metadata as KubeObject["metadata"] & { managedFields?: unknown };
  if (metadata.managedFields === undefined) return object;
  const { managedFields: _dropped, ...rest } = metadata;
  return { ...object, metadata: rest };
}
