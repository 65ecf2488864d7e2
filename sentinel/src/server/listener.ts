import cluster from "node:cluster";
import http from "node:http";
import http2, { type Http2Session } from "node:http2";
import net, { type AddressInfo, type Socket } from "node:net";
import { FastHttp1Engine } from "./fast-http1/fast-http1-engine.js";
import { FastResponse } from "./fast-http1/fast-response.js";
import { refusal } from "./fast-http1/refusal.js";
import { createRequestHandler } from "./handle-request.js";
import { createUpgradeHandler } from "./handle-upgrade.js";
import type { SentinelDeps } from "./sentinel-deps.js";

export interface ServerTimeouts {
  /** Time to receive a request's headers. */
  headersTimeoutMs: number;
  /** Time to receive a whole request (headers and body). */
  requestTimeoutMs: number;
  /** Idle time before a client's keep-alive connection is closed. */
  keepAliveTimeoutMs: number;
  /** Upstream connect timeout for WebSocket upgrades. */
  connectTimeoutMs: number;
}

/**
 * Who serves HTTP/1.1 clients: Sentinel's own engine (`src/http1/`, `fast-http1/`), which hands
 * a connection to Node's server for what it does not serve itself (upgrades,
 * `Expect: 100-continue`, HTTP/1.0), or Node's server for everything.
 */
export type Http1Engine = "sentinel" | "node";

type HandledRequest = Parameters<ReturnType<typeof createRequestHandler>>[0];
type HandledResponse = Parameters<ReturnType<typeof createRequestHandler>>[1];

const h2Preface = Buffer.from("PRI * HTTP/2.0\r\n");

/**
 * One port for HTTP/1.1 and cleartext HTTP/2 (gRPC clients speak h2c with prior knowledge):
 * the first bytes of a connection decide which server gets it.
 */
export class SentinelServer {
  private readonly tcp: net.Server;
  private readonly h1: http.Server;
  private readonly h2: http2.Http2Server;
  private readonly fast: FastHttp1Engine | undefined;
  private readonly sockets = new Set<Socket>();
  private readonly sessions = new Set<Http2Session>();
  private inFlight = 0;
  private draining = false;
  private idle: (() => void) | undefined;

  constructor(deps: SentinelDeps, timeouts: ServerTimeouts, engine: Http1Engine = "sentinel") {
    // The handler's one close listener per request also keeps the in-flight count.
    const handler = createRequestHandler(deps, () => {
      this.inFlight -= 1;
      if (this.inFlight === 0) this.idle?.();
    });
    const counted = (req: HandledRequest, res: HandledResponse) => {
      this.inFlight += 1;
      if (this.draining && (res instanceof http.ServerResponse || res instanceof FastResponse)) {
        res.shouldKeepAlive = false;
      }
      handler(req, res);
    };
    this.h1 = http.createServer(
      {
        headersTimeout: timeouts.headersTimeoutMs,
        requestTimeout: timeouts.requestTimeoutMs,
        keepAliveTimeout: timeouts.keepAliveTimeoutMs,
        // Request-smuggling defence: no lenient parsing of malformed framing.
        insecureHTTPParser: false,
      },
      counted,
    );
    this.h1.on("upgrade", createUpgradeHandler(deps, timeouts.connectTimeoutMs));
    // http.Server starts its header/request timeout checks on 'listening'; this one never
    // listens itself (the TCP server hands it sockets), so start them here.
    this.h1.emit("listening");
    this.h2 = http2.createServer({}, counted);
    if (engine === "sentinel") {
      this.fast = new FastHttp1Engine({
        handle: counted,
        handOver: (socket, buffered) => this.toNodeServer(socket, buffered),
        refusal: (status, reason) => refusal(status, reason, deps.newRequestId()),
        draining: () => this.draining,
        headersTimeoutMs: timeouts.headersTimeoutMs,
        keepAliveTimeoutMs: timeouts.keepAliveTimeoutMs,
        requestTimeoutMs: timeouts.requestTimeoutMs,
      });
    }
    this.h2.setTimeout(timeouts.requestTimeoutMs);
    this.h2.on("session", (session) => {
      this.sessions.add(session);
      session.once("close", () => this.sessions.delete(session));
      if (this.draining) session.close();
    });
    this.tcp = net.createServer({ noDelay: true, pauseOnConnect: true }, (socket) =>
      this.route(socket, timeouts.headersTimeoutMs),
    );
  }

  private route(socket: Socket, sniffTimeoutMs: number): void {
    // Draining takes no new connections. A cluster worker can still be handed one the primary
    // accepted before the shared listener closed: it is closed unserved.
    if (this.draining) {
      socket.destroy();
      return;
    }
    this.sockets.add(socket);
    socket.once("close", () => this.sockets.delete(socket));
    socket.on("error", () => socket.destroy());
    const timer = setTimeout(() => socket.destroy(), sniffTimeoutMs);
    socket.once("data", (first: Buffer) => {
      clearTimeout(timer);
      const prefix = first.subarray(0, Math.min(first.length, h2Preface.length));
      const h2 = prefix.length >= 3 && prefix.equals(h2Preface.subarray(0, prefix.length));
      if (!h2 && this.fast) {
        // Sentinel's engine reads on from here ('data' events; the socket keeps flowing).
        this.fast.accept(socket, first);
        return;
      }
      socket.pause();
      // Give the bytes back: the chosen server reads them as the start of the connection.
      socket.unshift(first);
      if (h2) {
        // The HTTP/2 session reads the buffered bytes itself once its handle is set up.
        this.h2.emit("connection", socket);
      } else {
        this.h1.emit("connection", socket);
        // The HTTP/1 parser reads 'data' events; the socket is still paused from above.
        socket.resume();
      }
    });
    socket.resume();
  }

  /** Node's HTTP/1.1 server takes a connection from `buffered` (the bytes not yet served) on. */
  private toNodeServer(socket: Socket, buffered: Buffer): void {
    socket.pause();
    socket.unshift(buffered);
    this.h1.emit("connection", socket);
    socket.resume();
  }

  listen(port: number, host: string): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      this.tcp.once("error", reject);
      this.tcp.listen(port, host, () => resolve(this.tcp.address() as AddressInfo));
    });
  }

  /**
   * Graceful drain (SIGTERM): stop accepting, let in-flight requests finish with
   * `Connection: close` / GOAWAY, close idle connections, and cut what is left at the deadline.
   */
  async drain(timeoutMs: number): Promise<void> {
    this.draining = true;
    // A cluster worker's listener is shared through the primary, whose round robin can queue a
    // connection for a worker that has just closed its share and hold it until every worker
    // has exited. So a draining worker keeps its share open and closes new connections
    // unserved (route()); the share goes when the worker exits.
    if (!cluster.isWorker) this.tcp.close();
    const closeIdle = () => {
      this.h1.closeIdleConnections();
      this.fast?.closeIdle();
    };
    closeIdle();
    for (const session of this.sessions) session.close();
    const idleTicker = setInterval(closeIdle, 100);
    await new Promise<void>((resolve) => {
      const deadline = setTimeout(resolve, timeoutMs);
      this.idle = () => {
        clearTimeout(deadline);
        resolve();
      };
      if (this.inFlight === 0) this.idle();
    });
    clearInterval(idleTicker);
    this.h1.close();
    this.fast?.close();
    for (const socket of this.sockets) socket.destroy();
  }
}
