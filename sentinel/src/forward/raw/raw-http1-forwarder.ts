import type { Instance } from "../../routing/instances.js";
import {
  ConnectFailed,
  type Forwarder,
  type UpstreamRequest,
  type UpstreamResponse,
} from "../upstream.js";
import { type ExchangeTimeouts, RawHttp1Exchange, StaleConnection } from "./raw-http1-exchange.js";
import { type PooledSocket, UpstreamPool, type UpstreamPoolOptions } from "./upstream-pool.js";

export type RawHttp1ForwarderOptions = UpstreamPoolOptions & ExchangeTimeouts;

/** Methods whose request may be sent twice (RFC 9110 §9.2.2). */
function idempotent(method: string): boolean {
  switch (method) {
    case "GET":
    case "HEAD":
    case "OPTIONS":
    case "PUT":
    case "DELETE":
    case "TRACE":
      return true;
    default:
      return false;
  }
}

/**
 * HTTP/1.1 to the apps over Sentinel's own keep-alive pool and parsers (`src/http1/`), in
 * place of undici: per request no dispatcher, no llhttp-in-WebAssembly callbacks, one
 * listener set per socket. A kept-alive socket that the app closed just as the request went
 * out is retried once on a new connection when the request can be sent again (an idempotent
 * method without a body), as browsers and nginx do.
 */
export class RawHttp1Forwarder implements Forwarder {
  private readonly pool: UpstreamPool;

  constructor(private readonly options: RawHttp1ForwarderOptions) {
    this.pool = new UpstreamPool(options);
  }

  async send(request: UpstreamRequest): Promise<UpstreamResponse> {
    const retriable = request.body === undefined && idempotent(request.method);
    try {
      return await this.exchange(request, await this.socketFor(request, false));
    } catch (error) {
      if (!(error instanceof StaleConnection) || !retriable || request.cancel.cancelled) {
        throw error;
      }
    }
    return this.exchange(request, await this.socketFor(request, true));
  }

  private async socketFor(request: UpstreamRequest, fresh: boolean): Promise<PooledSocket> {
    const { instance } = request;
    try {
      const pooled = await this.pool.acquire(instance, fresh);
      if (request.cancel.cancelled) {
        this.pool.release(instance, pooled.socket, true);
        throw request.cancel.reason;
      }
      return pooled;
    } catch (error) {
      if (request.cancel.cancelled) throw request.cancel.reason;
      throw new ConnectFailed(instance, error);
    }
  }

  private exchange(request: UpstreamRequest, pooled: PooledSocket): Promise<UpstreamResponse> {
    const { instance } = request;
    return new Promise((resolve, reject) => {
      new RawHttp1Exchange(pooled.socket, pooled.reused, request, this.options, {
        resolve,
        reject,
        release: (socket, reusable) => this.pool.release(instance as Instance, socket, reusable),
      });
    });
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
