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
const emptyBuffer = Buffer.alloc(0);
/**
 * Up to this many queued bytes leave in one write, copied into one buffer: a head and a small
 * body cost one system call and no writev bookkeeping. More than this is written at once.
 */
const flushBytes = 64 * 1024;

/**
 * The response to one request on a FastHttp1Connection, with the part of ServerResponse's
 * interface the request handler and the relays use (writeHead, write, end, destroy, drain /
 * finish / close events, headersSent, writableFinished, shouldKeepAlive). What is written in
 * one turn of the event loop (the head, the body's first bytes, often the whole response)
 * leaves in one write; a body of unknown length goes chunked.
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
  /** Bytes written since the last flush: the head, body chunks and their framing. */
  private pending: Array<string | Buffer> = [];
  private pendingBytes = 0;
  private flushScheduled = false;
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
    if (this.head !== undefined) {
      this.queue(this.head);
      this.head = undefined;
    }
    if (!this.bodyless && chunk.length > 0) {
      const data = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
      if (this.chunked) {
        this.queue(`${data.length.toString(16)}\r\n`);
        this.queue(data);
        this.queue("\r\n");
      } else this.queue(data);
    }
    if (this.pendingBytes >= flushBytes) this.flush(undefined);
    else if (!this.flushScheduled) {
      this.flushScheduled = true;
      process.nextTick(flushResponse, this);
    }
    return !this.socket.writableNeedDrain;
  }

  /** Ends the body (after `chunk`); `callback` once the socket has taken the last byte. */
  end(chunkOrCallback?: Buffer | string | (() => void), callback?: () => void): this {
    if (this.ended || this.destroyed) return this;
    const done = typeof chunkOrCallback === "function" ? chunkOrCallback : callback;
    const chunk = typeof chunkOrCallback === "function" ? undefined : chunkOrCallback;
    if (chunk !== undefined && chunk.length > 0) this.write(chunk);
    else if (!this.headersSent || this.head !== undefined) this.write("");
    this.ended = true;
    if (this.chunked) this.queue(lastChunk);
    this.flush(() => {
      this.writableFinished = true;
      for (const listener of this.finishListeners) listener();
      done?.();
      this.owner.finished(this, this.shouldKeepAlive);
      this.emitClose();
    });
    return this;
  }

  /** The bytes queued since the last flush, to the socket (one write when they are few). */
  flush(callback: (() => void) | undefined): void {
    this.flushScheduled = false;
    const pieces = this.pending;
    if (pieces.length === 0 && callback === undefined) return;
    const bytes = this.pendingBytes;
    this.pending = [];
    this.pendingBytes = 0;
    if (this.destroyed) return;
    const socket = this.socket;
    if (pieces.length <= 1) {
      const only = pieces[0] ?? emptyBuffer;
      if (typeof only === "string") socket.write(only, "latin1", callback);
      else socket.write(only, callback);
    } else if (bytes <= flushBytes) socket.write(joined(pieces, bytes), callback);
    else {
      socket.cork();
      for (let i = 0; i < pieces.length; i++) {
        const piece = pieces[i]!;
        const last = i === pieces.length - 1 ? callback : undefined;
        if (typeof piece === "string") socket.write(piece, "latin1", last);
        else socket.write(piece, last);
      }
      socket.uncork();
    }
  }

  private queue(piece: string | Buffer): void {
    this.pending.push(piece);
    // A string here is latin1 (the head, chunk framing): one byte per character.
    this.pendingBytes += piece.length;
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
}

function flushResponse(response: FastResponse): void {
  response.flush(undefined);
}

/** `pieces` (latin1 strings and buffers) as one buffer of `bytes` bytes. */
function joined(pieces: ReadonlyArray<string | Buffer>, bytes: number): Buffer {
  const out = Buffer.allocUnsafe(bytes);
  let offset = 0;
  for (const piece of pieces) {
    if (typeof piece === "string") offset += out.write(piece, offset, "latin1");
    else offset += piece.copy(out, offset);
  }
  return out;
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
