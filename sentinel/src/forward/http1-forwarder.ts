import type { Readable } from "node:stream";
import { Agent, type Dispatcher } from "undici";
import type { Instance } from "../routing/instances.js";
import { Http1Exchange } from "./http1-exchange.js";
import type { Forwarder, UpstreamRequest, UpstreamResponse } from "./upstream.js";

export interface Http1ForwarderOptions {
  /**
   * Idle upstream sockets are closed after this; below Node's default 5 s server keep-alive,
   * so Sentinel never writes a request onto a socket the app is closing.
   */
  keepAliveTimeoutMs: number;
  connectTimeoutMs: number;
  headersTimeoutMs: number;
  /** Longest silence between two body chunks (long-lived SSE streams send keep-alives). */
  bodyTimeoutMs: number;
  connectionsPerInstance: number;
}

// Instances live until their EndpointSlice changes: the origin string (the pool's key) is
// built once per instance, not per request.
const origins = new WeakMap<Instance, string>();

function originOf(instance: Instance): string {
  let origin = origins.get(instance);
  if (origin === undefined) {
    const host = instance.address.includes(":") ? `[${instance.address}]` : instance.address;
    origin = `http://${host}:${instance.port}`;
    origins.set(instance, origin);
  }
  return origin;
}

/** HTTP/1.1 with undici keep-alive pools, one per instance origin (see Http1Exchange). */
export class Http1Forwarder implements Forwarder {
  private readonly agent: Agent;

  constructor(options: Http1ForwarderOptions) {
    this.agent = new Agent({
      keepAliveTimeout: options.keepAliveTimeoutMs,
      keepAliveMaxTimeout: options.keepAliveTimeoutMs,
      connect: { timeout: options.connectTimeoutMs },
      headersTimeout: options.headersTimeoutMs,
      bodyTimeout: options.bodyTimeoutMs,
      connections: options.connectionsPerInstance,
      pipelining: 1,
    });
  }

  send(request: UpstreamRequest): Promise<UpstreamResponse> {
    const { instance } = request;
    return new Promise<UpstreamResponse>((resolve, reject) => {
      this.agent.dispatch(
        {
          origin: originOf(instance),
          method: request.method as Dispatcher.HttpMethod,
          path: request.target,
          headers: request.headers,
          // undici writes an async iterable chunk by chunk; its types only list Readable.
          body: (request.body ?? null) as unknown as Readable | null,
        },
        new Http1Exchange(instance, request.cancel, { resolve, reject }),
      );
    });
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}
