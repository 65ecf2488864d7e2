import type { Socket } from "node:net";
import {
  type FastConnectionHost,
  FastHttp1Connection,
  type FastRequest,
} from "./fast-connection.js";
import type { FastResponse } from "./fast-response.js";

export interface FastHttp1EngineOptions {
  handle(req: FastRequest, res: FastResponse): void;
  handOver(socket: Socket, buffered: Buffer): void;
  refusal(status: number, reason: string): string;
  draining(): boolean;
  headersTimeoutMs: number;
  keepAliveTimeoutMs: number;
  requestTimeoutMs: number;
}

/** How often deadlines are checked: a tenth of the shortest timeout, at most once a second. */
function sweepIntervalMs(options: FastHttp1EngineOptions): number {
  return Math.max(
    10,
    Math.min(1000, Math.floor(Math.min(options.headersTimeoutMs, options.keepAliveTimeoutMs) / 10)),
  );
}

/**
 * Sentinel's own HTTP/1.1 server side: the connections it serves and one sweep that enforces
 * their header and keep-alive timeouts (a deadline per connection instead of a timer per
 * request).
 */
export class FastHttp1Engine {
  private readonly connections = new Set<FastHttp1Connection>();
  private readonly host: FastConnectionHost;
  private sweep: NodeJS.Timeout | undefined;
  private readonly forget = (connection: FastHttp1Connection) => {
    this.connections.delete(connection);
  };

  constructor(private readonly options: FastHttp1EngineOptions) {
    this.host = options;
  }

  /** Serves `socket`, whose first bytes are `first` (already read by the protocol sniff). */
  accept(socket: Socket, first: Buffer): void {
    const connection = new FastHttp1Connection(socket, this.host, this.forget);
    this.connections.add(connection);
    this.sweep ??= setInterval(() => this.expire(), sweepIntervalMs(this.options)).unref();
    connection.received(first);
  }

  private expire(): void {
    const now = Date.now();
    for (const connection of this.connections) {
      if (connection.deadline !== 0 && now > connection.deadline) connection.expire();
    }
  }

  /** Closes every connection with nothing in flight (a draining server calls this often). */
  closeIdle(): void {
    for (const connection of this.connections) if (connection.idle) connection.close();
  }

  close(): void {
    clearInterval(this.sweep);
    this.sweep = undefined;
    for (const connection of this.connections) connection.socket.destroy();
    this.connections.clear();
  }
}
