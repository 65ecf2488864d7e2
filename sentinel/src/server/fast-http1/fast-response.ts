import { STATUS_CODES } from "node:http";
import type { Socket } from "node:net";
import { serializeResponseHead } from "../../http1/serialize-head.js";
import { httpDate } from "./http-date.js";

type Listener = () => void;

/** What the connection learns from a response: its end, and whether the socket may go on. */
export interface ResponseOwner {
  /** The last byte was handed to the socket; `reusable`: the next request may follow. */
  finished(response: FastResponse, reusable: boolean): void;
}

const noListeners: Listener[] = [];
const lastChunk = "0\r\n\r\n";

/**
 * The response to one request on a FastHttp1Connection, with the part of ServerResponse's
 * interface the request handler and the relays use (writeHead, write, end, destroy, drain /
 * finish / close events, headersSent, writableFinished, shouldKeepAlive). The head waits for
 * the first body bytes so both leave in one write; a body of unknown length goes chunked.
 */
export class FastResponse {
  headersSent = false;
  writableFinished = false;
  destroyed = false;
  /** False: the connection closes after this response (set by a draining server). */
  shouldKeepAlive: boolean;
  private head: string | undefined;
  private chunked = false;
  private bodyless = false;
  private ended = false;
  private corked = false;
  private closeListeners: Listener[] = noListeners;
  private drainListeners: Listener[] = noListeners;
  private finishListeners: Listener[] = noListeners;

  constructor(
    readonly socket: Socket,
    private readonly method: string,
    keepAlive: boolean,
    private readonly owner: ResponseOwner,
  ) {
    this.shouldKeepAlive = keepAlive;
  }

  /** `headers` as a flat `[name, value…]` list (the forwarded response) or an object. */
  writeHead(status: number, headers?: readonly string[] | Record<string, string>): this {
    if (this.headersSent) throw new Error("headers already sent");
    const fields = flatFields(headers);
    let framed = false;
    let dated = false;
    for (let i = 0; i < fields.length; i += 2) {
      const name = fields[i]!;
      if (name.length === 14 && name.toLowerCase() === "content-length") framed = true;
      else if (name.length === 4 && name.toLowerCase() === "date") dated = true;
    }
    this.bodyless = this.method === "HEAD" || status === 204 || status === 304 || status < 200;
    if (!dated) fields.push("date", httpDate());
    this.chunked = !framed && !this.bodyless;
    if (this.chunked) fields.push("transfer-encoding", "chunked");
    if (!this.shouldKeepAlive) fields.push("connection", "close");
    // Serialized before the head counts as sent: a field the serializer refuses leaves the
    // response able to answer 500 instead.
    this.head = serializeResponseHead(status, STATUS_CODES[status] ?? "Unknown", fields);
    this.headersSent = true;
    return this;
  }

  write(chunk: Buffer | string): boolean {
    if (this.destroyed || this.ended) return false;
    if (!this.headersSent) this.writeHead(200);
    const socket = this.socket;
    this.cork();
    if (this.head !== undefined) {
      socket.write(this.head, "latin1");
      this.head = undefined;
    }
    if (this.bodyless || chunk.length === 0) return !socket.writableNeedDrain;
    if (!this.chunked) return socket.write(chunk);
    const size = typeof chunk === "string" ? Buffer.byteLength(chunk) : chunk.length;
    socket.write(`${size.toString(16)}\r\n`, "latin1");
    socket.write(chunk);
    return socket.write("\r\n", "latin1");
  }

  /** Ends the body (after `chunk`); `callback` once the socket has taken the last byte. */
  end(chunkOrCallback?: Buffer | string | (() => void), callback?: () => void): this {
    if (this.ended || this.destroyed) return this;
    const done = typeof chunkOrCallback === "function" ? chunkOrCallback : callback;
    const chunk = typeof chunkOrCallback === "function" ? undefined : chunkOrCallback;
    if (chunk !== undefined && chunk.length > 0) this.write(chunk);
    else if (!this.headersSent || this.head !== undefined) this.write("");
    this.ended = true;
    const socket = this.socket;
    if (this.chunked) socket.write(lastChunk, "latin1");
    socket.write("", () => {
      this.writableFinished = true;
      for (const listener of this.finishListeners) listener();
      done?.();
      this.owner.finished(this, this.shouldKeepAlive);
      this.emitClose();
    });
    this.uncork();
    return this;
  }

  /** The client's connection goes away with this response unfinished. */
  destroy(): this {
    if (this.destroyed) return this;
    this.destroyed = true;
    this.socket.destroy();
    return this;
  }

  /** The socket closed (the client went away, or the response was destroyed). */
  socketClosed(): void {
    this.destroyed = true;
    this.emitClose();
  }

  socketDrained(): void {
    const listeners = this.drainListeners;
    if (listeners === noListeners) return;
    this.drainListeners = noListeners;
    for (const listener of listeners) listener();
  }

  on(event: "close" | "drain" | "finish", listener: Listener): this;
  on(event: "error", listener: (error: Error) => void): this;
  on(
    event: "close" | "drain" | "finish" | "error",
    listener: Listener | ((error: Error) => void),
  ): this {
    const call = listener as Listener;
    if (event === "close") this.closeListeners = add(this.closeListeners, call);
    else if (event === "drain") this.drainListeners = add(this.drainListeners, call);
    else if (event === "finish") this.finishListeners = add(this.finishListeners, call);
    // "error": a response never emits one; a failed socket closes it instead.
    return this;
  }

  once(event: "close" | "drain" | "finish", listener: Listener): this;
  once(event: "error", listener: (error: Error) => void): this;
  once(
    event: "close" | "drain" | "finish" | "error",
    listener: Listener | ((error: Error) => void),
  ): this {
    // Each event fires at most once per response: `on` is `once`.
    return this.on(event as "close", listener as Listener);
  }

  private emitClose(): void {
    const listeners = this.closeListeners;
    if (listeners === noListeners) return;
    this.closeListeners = noListeners;
    this.drainListeners = noListeners;
    for (const listener of listeners) listener();
  }

  private cork(): void {
    if (this.corked) return;
    this.corked = true;
    this.socket.cork();
    process.nextTick(uncorkSocket, this);
  }

  uncork(): void {
    if (!this.corked) return;
    this.corked = false;
    this.socket.uncork();
  }
}

function uncorkSocket(response: FastResponse): void {
  response.uncork();
}

function add(listeners: Listener[], listener: Listener): Listener[] {
  if (listeners === noListeners) return [listener];
  listeners.push(listener);
  return listeners;
}

function flatFields(headers: readonly string[] | Record<string, string> | undefined): string[] {
  if (!headers) return [];
  if (Array.isArray(headers)) return headers.slice();
  const fields: string[] = [];
  const record = headers as Record<string, string>;
  for (const name in record) fields.push(name, record[name]!);
  return fields;
}
