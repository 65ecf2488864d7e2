import type { Readable } from "node:stream";
import type { ForwardHeaders } from "../request/forward-headers.js";
import type { Instance } from "../routing/instances.js";
import type { Cancellation } from "./cancellation.js";
import type { BodyDestination, ChunkSink } from "./relay-body.js";

export interface UpstreamRequest {
  instance: Instance;
  method: string;
  /** Path and query as the upstream receives them. */
  target: string;
  /** Lower-case names, hop-by-hop fields already removed, `host` set. */
  headers: ForwardHeaders;
  /** Pulled only once the connection is up; undefined for a request without a body. */
  body: AsyncIterable<Buffer> | undefined;
  /** The client went away: stop the exchange (and its connect) at once. */
  cancel: Cancellation;
}

export interface UpstreamResponse {
  status: number;
  /** Flat `[name, value, name, value…]`, names lower-case, a repeated field once per value. */
  headers: string[];
  /**
   * Streams the body into `destination` with backpressure and ends it. Resolves when the client
   * has been handed all of it; rejects when either side fails or goes away early, after
   * stopping both. `capture` sees every chunk as it passes (the logging policy's).
   */
  relay(destination: BodyDestination, capture?: ChunkSink): Promise<void>;
  /**
   * Trailers (gRPC's `grpc-status`), delivered before the body ends; may never fire. Absent
   * where the protocol's client never hands trailers over (HTTP/1.1 through undici).
   */
  onTrailers?(listener: (trailers: Record<string, string | string[]>) => void): void;
}

/**
 * The upstream could not be reached and nothing of the request was sent: the one failure
 * that may be retried on another instance.
 */
export class ConnectFailed extends Error {
  constructor(instance: Instance, cause: unknown) {
    super(`could not connect to ${instance.id} (${instance.address}:${instance.port})`, { cause });
    this.name = "ConnectFailed";
  }
}

/** The upstream did not answer with headers in time. */
export class UpstreamTimeout extends Error {
  constructor(instance: Instance) {
    super(`${instance.id} sent no response headers in time`);
    this.name = "UpstreamTimeout";
  }
}

export interface Forwarder {
  send(request: UpstreamRequest): Promise<UpstreamResponse>;
  close(): Promise<void>;
}

const connectErrorCodes = new Set([
  "ECONNREFUSED",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EADDRNOTAVAIL",
  "UND_ERR_CONNECT_TIMEOUT",
  "ETIMEDOUT",
]);

export function isConnectError(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current; depth++) {
    const code = (current as { code?: string }).code;
    if (code && connectErrorCodes.has(code)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/**
 * The request body as a lazy iterable: nothing is read from the client until the forwarder
 * iterates it, which it does only on an open connection. `started` tells a failed attempt
 * whether any of it was consumed (then it must not be retried).
 */
export function lazyBody(
  source: Readable,
  capture?: ChunkSink,
): { body: AsyncIterable<Buffer>; started: () => boolean } {
  let started = false;
  const body = {
    async *[Symbol.asyncIterator]() {
      started = true;
      for await (const chunk of source.iterator({ destroyOnReturn: false })) {
        capture?.push(chunk as Buffer);
        yield chunk as Buffer;
      }
    },
  };
  return { body, started: () => started };
}
