import { setTimeout as sleep } from "node:timers/promises";
import { type KubeApi, KubeApiError } from "@slipway/shared/kube";
import {
  DEPLOYMENT_LABEL,
  deploymentLabelValue,
  type EndpointSlice,
  instancesOfSlice,
} from "./endpoint-slices.js";
import type { Instance, InstanceSource, InstancesByRegion } from "./instances.js";

const labelsMax = 10_000;
const noInstances: InstancesByRegion = new Map();

interface WatchEvent {
  type: "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK" | "ERROR";
  object: EndpointSlice & { code?: number; message?: string };
}

class Gone extends Error {}

export interface EndpointSliceSourceOptions {
  /** Watch one namespace; all namespaces when omitted. */
  namespace?: string;
  watchTimeoutSeconds?: number;
  maxBackoffMs?: number;
  onError?: (error: unknown) => void;
}

/**
 * Ready instances from the EndpointSlices of the operator's per-region Services (the slices
 * carry the Service's `slipway.dev/deployment` and `slipway.dev/region` labels). List, then
 * watch from the list's resourceVersion; relist on 410 Gone; reconnect with capped backoff.
 * While the apiserver is unreachable the last known instances keep serving.
 */
export class EndpointSliceInstanceSource implements InstanceSource {
  private readonly slices = new Map<string, { deployment: string; instances: Instance[] }>();
  private byDeployment = new Map<string, Map<string, Instance[]>>();
  private readonly labels = new Map<string, string>();
  private readonly abort = new AbortController();
  private loop: Promise<void> | undefined;
  private synced!: () => void;
  private readonly hasSynced = new Promise<void>((resolve) => {
    this.synced = resolve;
  });
  relists = 0;

  constructor(
    private readonly kube: KubeApi,
    private readonly options: EndpointSliceSourceOptions = {},
  ) {}

  start(): this {
    this.loop ??= this.run();
    return this;
  }

  ready(): Promise<void> {
    return this.hasSynced;
  }

  instances(deploymentId: string): InstancesByRegion {
    // Asked on every request: the label value (a replace and a lower-casing) is remembered.
    let label = this.labels.get(deploymentId);
    if (label === undefined) {
      if (this.labels.size >= labelsMax) this.labels.clear();
      label = deploymentLabelValue(deploymentId);
      this.labels.set(deploymentId, label);
    }
    return this.byDeployment.get(label) ?? noInstances;
  }

  async close(): Promise<void> {
    this.abort.abort();
    await this.loop;
  }

  private get path(): string {
    const base = this.options.namespace
      ? `/apis/discovery.k8s.io/v1/namespaces/${this.options.namespace}/endpointslices`
      : "/apis/discovery.k8s.io/v1/endpointslices";
    return `${base}?labelSelector=${encodeURIComponent(DEPLOYMENT_LABEL)}`;
  }

  private async run(): Promise<void> {
    let resourceVersion: string | undefined;
    let failures = 0;
    while (!this.abort.signal.aborted) {
      try {
        resourceVersion ??= await this.list();
        resourceVersion = await this.watch(resourceVersion);
        failures = 0;
      } catch (error) {
        if (this.abort.signal.aborted) return;
        if (error instanceof Gone || (error instanceof KubeApiError && error.status === 410)) {
          resourceVersion = undefined;
          continue;
        }
        this.options.onError?.(error);
        failures += 1;
        const delay = Math.min(200 * 2 ** (failures - 1), this.options.maxBackoffMs ?? 30_000);
        await sleep(delay, undefined, { signal: this.abort.signal }).catch(() => undefined);
      }
    }
  }

  private async list(): Promise<string> {
    const list = await this.kube.get<{
      metadata: { resourceVersion: string };
      items: EndpointSlice[];
    }>(this.path);
    this.relists += 1;
    this.slices.clear();
    for (const slice of list.items) this.upsert(slice);
    this.reindex();
    this.synced();
    return list.metadata.resourceVersion;
  }

  private async watch(from: string): Promise<string> {
    const timeout = this.options.watchTimeoutSeconds ?? 300;
    const stream = await this.kube.openWatch(
      `${this.path}&watch=true&allowWatchBookmarks=true&resourceVersion=${from}&timeoutSeconds=${timeout}`,
      this.abort.signal,
    );
    let resourceVersion = from;
    let buffer = "";
    for await (const chunk of stream) {
      buffer += (chunk as Buffer).toString("utf8");
      let newline = buffer.indexOf("\n");
      let changed = false;
      while (newline >= 0) {
        const line = buffer.slice(0, newline).trim();
        buffer = buffer.slice(newline + 1);
        newline = buffer.indexOf("\n");
        if (!line) continue;
        const event = JSON.parse(line) as WatchEvent;
        if (event.type === "ERROR") {
          if (event.object.code === 410) throw new Gone(event.object.message);
          throw new Error(`watch error: ${event.object.message ?? line}`);
        }
        resourceVersion = event.object.metadata.resourceVersion ?? resourceVersion;
        if (event.type === "BOOKMARK") continue;
        if (event.type === "DELETED") this.slices.delete(keyOf(event.object));
        else this.upsert(event.object);
        changed = true;
      }
      if (changed) this.reindex();
    }
    return resourceVersion;
  }

  private upsert(slice: EndpointSlice): void {
    const parsed = instancesOfSlice(slice);
    if (parsed) this.slices.set(keyOf(slice), parsed);
    else this.slices.delete(keyOf(slice));
  }

  /** Rebuilt whole and swapped, so a request never sees a half-applied change. */
  private reindex(): void {
    const next = new Map<string, Map<string, Instance[]>>();
    for (const { deployment, instances } of this.slices.values()) {
      let byRegion = next.get(deployment);
      if (!byRegion) {
        byRegion = new Map();
        next.set(deployment, byRegion);
      }
      for (const instance of instances) {
        const list = byRegion.get(instance.region);
        if (list) list.push(instance);
        else byRegion.set(instance.region, [instance]);
      }
    }
    this.byDeployment = next;
  }
}

const keyOf = (slice: EndpointSlice) => `${slice.metadata.namespace ?? ""}/${slice.metadata.name}`;
