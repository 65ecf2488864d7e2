import { type Dispatcher, errors, util } from "undici";
import type { Instance } from "../routing/instances.js";
import type { Cancellation } from "./cancellation.js";
import type { BodyDestination, ChunkSink } from "./relay-body.js";
import {
  ConnectFailed,
  isConnectError,
  type UpstreamResponse,
  UpstreamTimeout,
} from "./upstream.js";

const noHeaders: string[] = [];

/** Body bytes held while the response head travels to the caller (then it relays them). */
const heldBytesMax = 64 * 1024;

/** Upstream raw headers as a flat `[name, value…]` list, names lower-case. */
export function flatHeaders(raw: readonly Buffer[]): string[] {
  const out = new Array<string>(raw.length);
  for (let i = 0; i + 1 < raw.length; i += 2) {
    out[i] = util.headerNameToString(raw[i]!);
    out[i + 1] = raw[i + 1]!.toString("latin1");
  }
  return out;
}

/**
 * One HTTP/1.1 exchange as an undici dispatch handler: the response head resolves `send`'s
 * promise, then the body goes straight from undici's parser into the client's response
 * (`relay`), pausing the upstream socket while the client is slow. What undici's `request()`
 * adds on top (a Readable body stream, an AsyncResource, an AbortSignal listener) is not
 * built; on a small proxied response that was most of a request's cost above the parse and
 * the writes.
 */
export class Http1Exchange implements Dispatcher.DispatchHandler, UpstreamResponse {
  status = 0;
  headers: string[] = noHeaders;
  private abortUpstream: ((reason?: Error) => void) | undefined;
  private resumeUpstream: (() => void) | undefined;
  private headed = false;
  private destination: BodyDestination | undefined;
  private capture: ChunkSink | undefined;
  private held: Buffer[] | undefined;
  private heldBytes = 0;
  private complete = false;
  private failure: Error | undefined;
  private settle: { resolve: () => void; reject: (error: Error) => void } | undefined;
  private readonly removeCancel: () => void;

  constructor(
    private readonly instance: Instance,
    cancel: Cancellation,
    private readonly head: {
      resolve: (response: UpstreamResponse) => void;
      reject: (error: unknown) => void;
    },
  ) {
    this.removeCancel = cancel.onCancel((reason) => this.cancelled(reason));
  }

  private cancelled(reason: Error): void {
    // Before the head: the caller stops waiting now; undici aborts once it has a socket.
    if (!this.headed) this.head.reject(reason);
    this.abortUpstream?.(reason);
    this.fail(reason);
  }

  onConnect(abort: (reason?: Error) => void): void {
    if (this.failure) abort(this.failure);
    else this.abortUpstream = abort;
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[], resume: () => void): boolean {
    if (statusCode < 200) return true; // 1xx: undici reads on to the final response
    this.headed = true;
    this.resumeUpstream = resume;
    // The exchange is the response (no onTrailers: undici hands HTTP/1.1 trailers over only
    // with the end of the body; few apps send any).
    this.status = statusCode;
    this.headers = flatHeaders(rawHeaders);
    this.head.resolve(this);
    return true;
  }

  onData(chunk: Buffer): boolean {
    if (this.failure) return false;
    const destination = this.destination;
    if (!destination) {
      if (this.held) this.held.push(chunk);
      else this.held = [chunk];
      this.heldBytes += chunk.length;
      return this.heldBytes < heldBytesMax;
    }
    this.capture?.push(chunk);
    if (destination.write(chunk)) return true;
    destination.once("drain", this.resumeUpstream!);
    return false;
  }

  onComplete(): void {
    this.complete = true;
    if (this.destination) this.finish(this.destination);
  }

  onError(error: Error): void {
    if (!this.headed) {
      this.removeCancel();
      this.headed = true;
      this.failure = error;
      if (isConnectError(error)) this.head.reject(new ConnectFailed(this.instance, error));
      else if (error instanceof errors.HeadersTimeoutError) {
        this.head.reject(new UpstreamTimeout(this.instance));
      } else this.head.reject(error);
      return;
    }
    this.fail(error);
  }

  relay(destination: BodyDestination, capture?: ChunkSink): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.settle = { resolve, reject };
      this.destination = destination;
      if (this.failure) {
        this.fail(this.failure);
        return;
      }
      this.capture = capture;
      const held = this.held;
      this.held = undefined;
      let writable = true;
      if (held) for (const chunk of held) writable = this.onData(chunk) && writable;
      if (this.complete) this.finish(destination);
      else if (writable && this.heldBytes >= heldBytesMax) this.resumeUpstream?.();
    });
  }

  private finish(destination: BodyDestination): void {
    destination.end(() => {
      this.removeCancel();
      const settle = this.settle;
      this.settle = undefined;
      settle?.resolve();
    });
  }

  /** The upstream or the client failed mid-body: both sides are stopped, `relay` rejects. */
  private fail(error: Error): void {
    this.failure ??= error;
    const settle = this.settle;
    if (!settle) return; // relay() not called yet: it rejects when it is
    this.settle = undefined;
    this.abortUpstream?.(error);
    this.destination?.destroy();
    settle.reject(error);
  }
}
