import type { Socket } from "node:net";
import { DEFAULT_MAX_HEAD_BYTES } from "../../http1/head-limits.js";
import { parseRequestHead, type RequestHead } from "../../http1/request-head.js";
import { FastResponse, type ResponseOwner } from "./fast-response.js";
import { FastBodyRequest, RequestBodyFeed } from "./request-body.js";

/** A request on a FastHttp1Connection: the part of IncomingMessage the handler reads. */
export class FastRequest {
  constructor(
    readonly method: string,
    readonly url: string,
    readonly rawHeaders: string[],
    readonly socket: Socket,
  ) {}
}

export interface FastConnectionHost {
  /** The request handler (it answers through `res`). */
  handle(req: FastRequest, res: FastResponse): void;
  /** The whole answer (head and body) to a head the parser refused, or to a head too slow. */
  refusal(status: number, reason: string): string;
  /** Gives the connection, from `buffered` on, to Node's HTTP/1.1 server. */
  handOver(socket: Socket, buffered: Buffer): void;
  /** The server drains: no response keeps its connection open. */
  draining(): boolean;
  headersTimeoutMs: number;
  keepAliveTimeoutMs: number;
  /** A request's body must have arrived within this of its head. */
  requestTimeoutMs: number;
}

/** Pipelined bytes held while a response is in flight; past this the socket is paused. */
const maxHeldBytes = 2 * DEFAULT_MAX_HEAD_BYTES;

/**
 * One client connection served by Sentinel's own HTTP/1.1 engine: requests are parsed with the
 * strict parser in `src/http1/` and answered one at a time (pipelined requests wait their
 * turn); a body (Content-Length or chunked) streams into the request's Readable with
 * backpressure. Requests it does not serve itself — an upgrade, `Expect: 100-continue`,
 * HTTP/1.0, a target that is not a path — hand the connection, from that request on, to Node's
 * server. Timeouts are deadlines checked by the owning server's sweep, not timers per request.
 */
export class FastHttp1Connection implements ResponseOwner {
  private buffered: Buffer | undefined;
  private current: FastResponse | undefined;
  /** The current request's body while it is still arriving. */
  private body: RequestBodyFeed | undefined;
  /** The body's framing broke: nothing more on this connection can be read in step. */
  private broken = false;
  private closed = false;
  /** Epoch ms after which the sweep closes the connection; 0: none (a response in flight). */
  deadline = 0;
  /** What the deadline waits for: a request's head (408 then) or the next request (idle). */
  waitingForHead = false;
  private readonly onData = (chunk: Buffer) => this.received(chunk);
  private readonly onDrain = () => this.current?.socketDrained();
  private readonly onClose = () => this.socketClosed();
  private readonly onGone: (connection: FastHttp1Connection) => void;

  constructor(
    readonly socket: Socket,
    private readonly host: FastConnectionHost,
    onGone: (connection: FastHttp1Connection) => void,
  ) {
    this.onGone = onGone;
    socket.on("data", this.onData).on("drain", this.onDrain).on("close", this.onClose);
  }

  /** Idle: nothing in flight and nothing held (a draining server closes these at once). */
  get idle(): boolean {
    return this.current === undefined && this.buffered === undefined;
  }

  received(chunk: Buffer): void {
    if (this.broken) return;
    if (this.body) {
      const rest = this.feedBody(this.body, chunk);
      if (rest === undefined) return;
      chunk = rest;
    }
    this.buffered = this.buffered ? Buffer.concat([this.buffered, chunk]) : chunk;
    if (this.current) {
      if (this.buffered.length > maxHeldBytes) this.socket.pause();
      return;
    }
    this.serveNext();
  }

  private serveNext(): void {
    const buffered = this.buffered;
    if (buffered === undefined) {
      this.waitFor(false, this.host.keepAliveTimeoutMs);
      return;
    }
    const parsed = parseRequestHead(buffered);
    if (parsed.kind === "incomplete") {
      if (!this.waitingForHead || this.deadline === 0) {
        this.waitFor(true, this.host.headersTimeoutMs);
      }
      return;
    }
    if (parsed.kind === "error") {
      this.refuse(parsed.status, parsed.reason);
      return;
    }
    if (!servedHere(parsed)) {
      this.leave();
      return;
    }
    let rest = parsed.headBytes < buffered.length ? buffered.subarray(parsed.headBytes) : undefined;
    this.buffered = undefined;
    this.deadline = 0;
    const keepAlive = parsed.keepAlive && !this.host.draining();
    const response = new FastResponse(this.socket, parsed.method, keepAlive, this);
    this.current = response;
    const framing = parsed.framing;
    if (framing.kind === "none" || (framing.kind === "length" && framing.length === 0)) {
      this.buffered = rest;
      this.host.handle(
        new FastRequest(parsed.method, parsed.target, parsed.rawHeaders, this.socket),
        response,
      );
      return;
    }
    const request = new FastBodyRequest(
      parsed.method,
      parsed.target,
      parsed.rawHeaders,
      this.socket,
      () => this.socket.resume(),
    );
    const body = new RequestBodyFeed(request, framing);
    this.body = body;
    this.waitFor(false, this.host.requestTimeoutMs);
    this.host.handle(request, response);
    if (rest !== undefined) rest = this.feedBody(body, rest);
    if (rest !== undefined) this.buffered = rest;
  }

  /** Body bytes from `chunk` into the request; returns what follows the body, if it ended. */
  private feedBody(body: RequestBodyFeed, chunk: Buffer): Buffer | undefined {
    const fed = body.feed(chunk);
    if (fed instanceof Error) {
      this.broken = true;
      this.body = undefined;
      this.deadline = 0;
      return undefined;
    }
    if (fed.full) this.socket.pause();
    if (!body.done) return undefined;
    this.body = undefined;
    this.deadline = 0;
    if (this.socket.isPaused() && !fed.full) this.socket.resume();
    return fed.rest;
  }

  finished(response: FastResponse, reusable: boolean): void {
    if (response !== this.current) return;
    this.current = undefined;
    // A body not read to its end (the app answered early) leaves the connection out of step.
    if (!reusable || this.closed || this.broken || this.body || this.host.draining()) {
      this.close();
      return;
    }
    if (this.socket.isPaused()) this.socket.resume();
    this.serveNext();
  }

  /** A request this engine does not serve: Node's server takes the connection from it on. */
  private leave(): void {
    const buffered = this.buffered!;
    this.buffered = undefined;
    this.detach();
    this.host.handOver(this.socket, buffered);
  }

  /** A head the parser refused: its status and why, then the connection closes. */
  private refuse(status: number, reason: string): void {
    this.buffered = undefined;
    this.detach();
    this.socket.end(this.host.refusal(status, reason), "latin1");
  }

  /** The sweep found the deadline passed. */
  expire(): void {
    if (this.body) {
      this.body.abort(new Error("the request body did not arrive in time"));
      this.socket.destroy();
    } else if (this.waitingForHead) this.refuse(408, "the request head did not arrive in time");
    else this.close();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.deadline = 0;
    this.socket.end();
    this.socket.destroySoon();
  }

  private waitFor(head: boolean, timeoutMs: number): void {
    this.waitingForHead = head;
    this.deadline = Date.now() + timeoutMs;
  }

  private socketClosed(): void {
    this.closed = true;
    this.deadline = 0;
    this.body?.abort(new Error("the client went away mid-body"));
    this.body = undefined;
    this.current?.socketClosed();
    this.current = undefined;
    this.onGone(this);
  }

  private detach(): void {
    this.closed = true;
    this.deadline = 0;
    this.socket.removeListener("data", this.onData).removeListener("drain", this.onDrain);
    this.socket.removeListener("close", this.onClose);
    this.onGone(this);
  }
}

/** The requests this engine answers itself; everything else goes to Node's server. */
function servedHere(head: RequestHead): boolean {
  return (
    !head.upgrade &&
    !head.expectContinue &&
    head.versionMinor === 1 &&
    head.target.charCodeAt(0) === 47 /* "/" */
  );
}
