import type { IncomingMessage } from "node:http";
import type { KubeApi } from "@slipway/shared/kube";

/**
 * Wraps a client to inject faults: an outage that fails every request and cuts open watches
 * (what an apiserver restart looks like from outside), and hooks before chosen calls.
 */
export class FaultyKube implements KubeApi {
  down = false;
  private readonly streams = new Set<IncomingMessage>();
  beforeReplace?: (path: string) => Promise<void>;
  beforeApply?: (path: string) => Promise<void>;

  constructor(private readonly inner: KubeApi) {}

  /** Starts an outage: open watches break, new requests fail until `up()`. */
  outage(): void {
    this.down = true;
    for (const stream of this.streams) stream.destroy(new Error("socket hang up"));
    this.streams.clear();
  }

  up(): void {
    this.down = false;
  }

  private guard<T>(call: () => Promise<T>): Promise<T> {
    return this.down ? Promise.reject(new Error("connect ECONNREFUSED")) : call();
  }

  get<T>(path: string) {
    return this.guard(() => this.inner.get<T>(path));
  }
  find<T>(path: string) {
    return this.guard(() => this.inner.find<T>(path));
  }
  apply<T>(path: string, body: unknown) {
    return this.guard(async () => {
      await this.beforeApply?.(path);
      return this.inner.apply<T>(path, body);
    });
  }
  create<T>(path: string, body: unknown) {
    return this.guard(() => this.inner.create<T>(path, body));
  }
  replace<T>(path: string, body: unknown) {
    return this.guard(async () => {
      await this.beforeReplace?.(path);
      return this.inner.replace<T>(path, body);
    });
  }
  remove(path: string) {
    return this.guard(() => this.inner.remove(path));
  }
  openWatch(path: string, signal: AbortSignal) {
    return this.guard(async () => {
      const stream = await this.inner.openWatch(path, signal);
      this.streams.add(stream);
      stream.once("close", () => this.streams.delete(stream));
      return stream;
    });
  }
}
