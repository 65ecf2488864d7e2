import type { Readable } from "node:stream";
import { Agent, type Dispatcher, errors } from "undici";
import {
  ConnectFailed,
  type Forwarder,
  isConnectError,
  type UpstreamRequest,
  type UpstreamResponse,
  UpstreamTimeout,
} from "./upstream.js";

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

/** HTTP/1.1 with undici keep-alive pools, one per instance origin. */
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

  async send(request: UpstreamRequest): Promise<UpstreamResponse> {
    const { instance } = request;
    const host = instance.address.includes(":") ? `[${instance.address}]` : instance.address;
    try {
      const response: Dispatcher.ResponseData = await this.agent.request({
        origin: `http://${host}:${instance.port}`,
        method: request.method as "GET",
        path: request.target,
        headers: request.headers,
        // undici writes an async iterable chunk by chunk; its types only list Readable.
        body: (request.body ?? null) as unknown as Readable | null,
        signal: request.signal,
      });
      return {
        status: response.statusCode,
        headers: response.headers,
        body: response.body,
        // undici fills `trailers` only after the body ends; HTTP/1.1 upstreams rarely send any.
        onTrailers: () => undefined,
      };
    } catch (error) {
      if (isConnectError(error)) throw new ConnectFailed(instance, error);
      if (error instanceof errors.HeadersTimeoutError) throw new UpstreamTimeout(instance);
      throw error;
    }
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}
