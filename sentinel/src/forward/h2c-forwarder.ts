import http2, { type ClientHttp2Session } from "node:http2";
import { pipeline } from "node:stream/promises";
import { relayBody } from "./relay-body.js";
import {
  ConnectFailed,
  type Forwarder,
  isConnectError,
  type UpstreamRequest,
  type UpstreamResponse,
  UpstreamTimeout,
} from "./upstream.js";

/** HTTP/2 response headers as the flat list UpstreamResponse carries. */
function flatten(headers: http2.IncomingHttpHeaders): string[] {
  const out: string[] = [];
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const item of value) out.push(name, item);
    else out.push(name, String(value));
  }
  return out;
}

export interface H2cForwarderOptions {
  connectTimeoutMs: number;
  headersTimeoutMs: number;
  /** A session with no open stream for this long is closed. */
  idleTimeoutMs: number;
}

/**
 * HTTP/2 over cleartext with prior knowledge (gRPC's transport): one multiplexed session per
 * instance, trailers and `TE: trailers` passed through.
 */
export class H2cForwarder implements Forwarder {
  private readonly sessions = new Map<string, Promise<ClientHttp2Session>>();

  constructor(private readonly options: H2cForwarderOptions) {}

  private session(request: UpstreamRequest): Promise<ClientHttp2Session> {
    const { instance } = request;
    const host = instance.address.includes(":") ? `[${instance.address}]` : instance.address;
    const origin = `http://${host}:${instance.port}`;
    let session = this.sessions.get(origin);
    if (!session) {
      session = new Promise<ClientHttp2Session>((resolve, reject) => {
        const client = http2.connect(origin);
        const timer = setTimeout(() => {
          client.destroy(Object.assign(new Error("connect timeout"), { code: "ETIMEDOUT" }));
        }, this.options.connectTimeoutMs);
        client.once("connect", () => {
          clearTimeout(timer);
          client.setTimeout(this.options.idleTimeoutMs, () => client.close());
          resolve(client);
        });
        client.on("error", (error) => {
          clearTimeout(timer);
          this.sessions.delete(origin);
          reject(new ConnectFailed(instance, error));
        });
        const forget = () => {
          if (this.sessions.get(origin) === session) this.sessions.delete(origin);
        };
        client.once("close", forget);
        client.once("goaway", forget);
      });
      this.sessions.set(origin, session);
    }
    return session;
  }

  async send(request: UpstreamRequest): Promise<UpstreamResponse> {
    const session = await this.session(request);
    const { host, ...rest } = request.headers;
    const stream = session.request(
      {
        ...rest,
        ":method": request.method,
        ":path": request.target,
        ":scheme": "http",
        ":authority": (Array.isArray(host) ? host[0] : host) ?? request.instance.address,
      },
      { endStream: request.body === undefined },
    );
    const removeCancel = request.cancel.onCancel((reason) => stream.destroy(reason));
    stream.once("close", removeCancel);
    if (request.body) {
      pipeline(request.body, stream).catch((error: unknown) => stream.destroy(error as Error));
    }
    return new Promise<UpstreamResponse>((resolve, reject) => {
      const timer = setTimeout(() => {
        stream.close(http2.constants.NGHTTP2_CANCEL);
        reject(new UpstreamTimeout(request.instance));
      }, this.options.headersTimeoutMs);
      stream.once("error", (error) => {
        clearTimeout(timer);
        reject(isConnectError(error) ? new ConnectFailed(request.instance, error) : error);
      });
      stream.once("response", (headers) => {
        clearTimeout(timer);
        const { ":status": status, ...responseHeaders } = headers;
        // gRPC "Trailers-Only": the status rides in the only HEADERS frame (gRPC never puts
        // grpc-status in leading headers otherwise). Relayed as headers then trailers, which
        // every gRPC client reads the same way; Node's compat response cannot end a stream
        // inside its HEADERS frame.
        const trailersOnly: Record<string, string | string[]> = {};
        if (responseHeaders["grpc-status"] !== undefined) {
          for (const name of ["grpc-status", "grpc-message", "grpc-status-details-bin"]) {
            const value = responseHeaders[name];
            if (value === undefined) continue;
            trailersOnly[name] = value as string | string[];
            delete responseHeaders[name];
          }
        }
        resolve({
          status: Number(status),
          headers: flatten(responseHeaders),
          relay: (destination, capture) => relayBody(stream, destination, capture),
          onTrailers: (listener) => {
            if (Object.keys(trailersOnly).length > 0) listener(trailersOnly);
            else {
              stream.once("trailers", (trailers) =>
                listener(trailers as Record<string, string | string[]>),
              );
            }
          },
        });
      });
    });
  }

  async close(): Promise<void> {
    const sessions = [...this.sessions.values()];
    this.sessions.clear();
    await Promise.all(
      sessions.map((pending) =>
        pending.then(
          (session) => new Promise<void>((resolve) => session.close(() => resolve())),
          () => undefined,
        ),
      ),
    );
  }
}
