import { setTimeout as sleep } from "node:timers/promises";
import { type KubeApi, KubeApiError } from "@slipway/shared/kube";
import type { KubeObject } from "./kube-object.js";
import type { Logger } from "./logger.js";
import type { ObjectStore } from "./object-store.js";

interface WatchEvent {
  type: "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK" | "ERROR";
  object: KubeObject & { code?: number; reason?: string; message?: string };
}

export interface ListWatcherOptions {
  /** Collection path, e.g. `/apis/apps/v1/deployments?labelSelector=…`. */
  path: string;
  /** Called for every listed or changed object; it should only enqueue. */
  onObject: (object: KubeObject) => void;
  onRelist?: () => void;
  /** Kept up to date before onObject is called, so a reconcile reads what the event said. */
  store?: ObjectStore;
  log: Logger;
  watchTimeoutSeconds?: number;
  maxBackoffMs?: number;
}

class Gone extends Error {}

/**
 * List, then watch from the list's resourceVersion; re-watch from the last seen version when a
 * watch ends, relist from scratch on 410 Gone, and reconnect with capped backoff on errors.
 * Events carry no meaning beyond "look at this object again": handlers only enqueue keys.
 */
export class ListWatcher {
  private readonly abort = new AbortController();
  private loop?: Promise<void>;
  private synced!: () => void;
  /** Resolves after the first successful list. */
  readonly hasSynced = new Promise<void>((resolve) => {
    this.synced = resolve;
  });
  relists = 0;

  constructor(
    private readonly kube: KubeApi,
    private readonly options: ListWatcherOptions,
  ) {}

  start(): void {
    this.loop ??= this.run();
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.loop;
  }

  private async run(): Promise<void> {
    const { log, maxBackoffMs = 30_000 } = this.options;
    let resourceVersion: string | undefined;
    let failures = 0;
    while (!this.abort.signal.aborted) {
      try {
        if (resourceVersion === undefined) {
          resourceVersion = await this.list();
          failures = 0;
        }
        resourceVersion = await this.watch(resourceVersion);
        failures = 0;
      } catch (error) {
        if (this.abort.signal.aborted) return;
        if (error instanceof Gone || (error instanceof KubeApiError && error.status === 410)) {
          log.info("watch expired, relisting", { path: this.options.path });
          resourceVersion = undefined;
          continue;
        }
        failures += 1;
        const delay = Math.min(200 * 2 ** (failures - 1), maxBackoffMs);
        log.warn("watch failed, reconnecting", {
          path: this.options.path,
          delayMs: delay,
          err: error,
        });
        await sleep(delay, undefined, { signal: this.abort.signal }).catch(() => undefined);
      }
    }
  }

  private async list(): Promise<string> {
    const list = await this.kube.get<{
      metadata: { resourceVersion: string };
      items: KubeObject[];
    }>(this.options.path);
    this.relists += 1;
    if (this.relists > 1) this.options.onRelist?.();
    // Objects deleted while no watch was open show up only as missing from the list.
    const vanished = this.options.store?.replace(list.items) ?? [];
    for (const item of [...list.items, ...vanished]) this.options.onObject(item);
    this.synced();
    return list.metadata.resourceVersion;
  }

  /** Returns the last resourceVersion seen when the apiserver ends the watch. */
  private async watch(from: string): Promise<string> {
    const timeout = this.options.watchTimeoutSeconds ?? 300;
    const sep = this.options.path.includes("?") ? "&" : "?";
    const path = `${this.options.path}${sep}watch=true&allowWatchBookmarks=true&resourceVersion=${from}&timeoutSeconds=${timeout}`;
    const stream = await this.kube.openWatch(path, this.abort.signal);
    let resourceVersion = from;
    let buffer = "";
    for await (const chunk of stream) {
      buffer += (chunk as Buffer).toString("utf8");
      let newline = buffer.indexOf("\n");
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
        if (event.type === "DELETED") this.options.store?.remove(event.object);
        else this.options.store?.upsert(event.object);
        this.options.onObject(event.object);
      }
    }
    return resourceVersion;
  }
}
