import {
  ConnectFailed,
  type Forwarder,
  type UpstreamRequest,
  type UpstreamResponse,
} from "../upstream.js";
import {
  type ExchangeOwner,
  type ExchangeTimeouts,
  RawHttp1Exchange,
  StaleConnection,
} from "./raw-http1-exchange.js";
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

/** Deadlines are checked this often: a tenth of the shortest timeout, 10 ms to 1 s. */
function sweepIntervalMs(options: RawHttp1ForwarderOptions): number {
  const shortest = Math.min(
    options.keepAliveTimeoutMs,
    options.headersTimeoutMs,
    options.bodyTimeoutMs,
  );
  return Math.max(10, Math.min(1000, Math.floor(shortest / 10)));
}

/**
 * HTTP/1.1 to the apps over Sentinel's own keep-alive pool and parsers (`src/http1/`): per
 * request one exchange object and one promise (its head), no listener or timer of its own.
 * A kept-alive socket that the app closed just as the request went out is retried once on a
 * new connection when the request can be sent again (an idempotent method without a body), as
 * browsers and nginx do.
 */
export class RawHttp1Forwarder implements Forwarder {
  private readonly pool: UpstreamPool;

  constructor(private readonly options: RawHttp1ForwarderOptions) {
    this.pool = new UpstreamPool(options, sweepIntervalMs(options));
  }

  send(request: UpstreamRequest): Promise<UpstreamResponse> {
    return new Promise((resolve, reject) => this.attempt(request, false, resolve, reject));
  }

  private attempt(
    request: UpstreamRequest,
    fresh: boolean,
    resolve: (response: UpstreamResponse) => void,
    reject: (error: unknown) => void,
  ): void {
    const { instance } = request;
    const owner: ExchangeOwner = {
      resolve,
      reject: (error) => {
        const retry =
          !fresh &&
          error instanceof StaleConnection &&
          request.body === undefined &&
          idempotent(request.method) &&
          !request.cancel.cancelled;
        if (retry) this.attempt(request, true, resolve, reject);
        else reject(error);
      },
      use: (socket, user) => this.pool.use(socket, user),
      release: (socket, reusable) => this.pool.release(instance, socket, reusable),
    };
    const start = (pooled: PooledSocket) => {
      if (request.cancel.cancelled) {
        this.pool.release(instance, pooled.socket, true);
        reject(request.cancel.reason);
        return;
      }
      new RawHttp1Exchange(pooled.socket, pooled.reused, request, this.options, owner);
    };
    const failed = (error: unknown) => {
      reject(request.cancel.cancelled ? request.cancel.reason : new ConnectFailed(instance, error));
    };
    let pooled: PooledSocket | Promise<PooledSocket>;
    try {
      pooled = this.pool.acquire(instance, fresh);
    } catch (error) {
      failed(error);
      return;
    }
    // An idle socket is there at once: no promise between the request and its write.
    if (pooled instanceof Promise) pooled.then(start, failed);
    else start(pooled);
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
