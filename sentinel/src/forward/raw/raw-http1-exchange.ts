import { ChunkedDecoder } from "../../http1/chunked-decoder.js";
import { parseResponseHead, type ResponseFraming } from "../../http1/response-head.js";
import { serializeRequestHead } from "../../http1/serialize-head.js";
import { lowerCaseName } from "../../request/raw-headers.js";
import type { Instance } from "../../routing/instances.js";
import type { BodyDestination, ChunkSink } from "../relay-body.js";
import { type UpstreamRequest, type UpstreamResponse, UpstreamTimeout } from "../upstream.js";
import { requestHeadFields } from "./request-fields.js";
import type { PoolSocket, SocketUser } from "./upstream-pool.js";

/** Body bytes held while the response head travels to the caller (then it relays them). */
const heldBytesMax = 64 * 1024;

/** The app answered with something that is not HTTP/1.1 as RFC 9112 frames it. */
export class UpstreamProtocolError extends Error {
  constructor(instance: Instance, reason: string) {
    super(`${instance.id} sent an invalid response: ${reason}`);
    this.name = "UpstreamProtocolError";
  }
}

/**
 * A reused keep-alive socket closed or reset before any byte of an answer: most likely the
 * app's idle timer closed it as the request was written. The forwarder may try once more on a
 * fresh connection when the request can be sent again.
 */
export class StaleConnection extends Error {
  constructor(instance: Instance, cause?: unknown) {
    super(`${instance.id} closed a kept-alive connection before answering`, { cause });
    this.name = "StaleConnection";
  }
}

export interface ExchangeTimeouts {
  headersTimeoutMs: number;
  /** Longest silence between two body chunks. */
  bodyTimeoutMs: number;
}

/** What the exchange tells its forwarder: the head (or why none), then the socket's fate. */
export interface ExchangeOwner {
  resolve(response: UpstreamResponse): void;
  reject(error: unknown): void;
  /** The exchange reads `socket`'s events from now on (the pool's `use`). */
  use(socket: PoolSocket, user: SocketUser): void;
  /** The exchange no longer uses the socket; `reusable`: it may carry another request. */
  release(socket: PoolSocket, reusable: boolean): void;
}

const noHeaders: string[] = [];

/**
 * One HTTP/1.1 request and response on a socket of the upstream pool, framed by Sentinel's own
 * parsers: the response head resolves the forwarder's promise, then the body goes from the
 * socket into the client's response (`relay`), pausing the socket while the client is slow.
 */
export class RawHttp1Exchange implements UpstreamResponse, SocketUser {
  status = 0;
  headers: string[] = noHeaders;
  private headed = false;
  private complete = false;
  private requestSent = false;
  private answered = false;
  private failure: Error | undefined;
  private head: Buffer | undefined;
  private framing: ResponseFraming | undefined;
  private remaining = 0;
  private decoder: ChunkedDecoder | undefined;
  private keepAlive = false;
  private destination: BodyDestination | undefined;
  private capture: ChunkSink | undefined;
  private held: Buffer[] | undefined;
  private heldBytes = 0;
  private trailers: Record<string, string | string[]> | undefined;
  private trailerListener: ((trailers: Record<string, string | string[]>) => void) | undefined;
  private waitingForDrain = false;
  private settle: { resolve: () => void; reject: (error: Error) => void } | undefined;
  /** Checked by the pool's sweep: the head's deadline, then the body's (from its last bytes). */
  deadline: number;
  private readonly removeCancel: () => void;

  constructor(
    private readonly socket: PoolSocket,
    private readonly reused: boolean,
    private readonly request: UpstreamRequest,
    private readonly timeouts: ExchangeTimeouts,
    private readonly owner: ExchangeOwner,
  ) {
    // With a body, the head's deadline starts when the body has been sent (sendBody).
    this.deadline = request.body ? 0 : Date.now() + timeouts.headersTimeoutMs;
    this.removeCancel = request.cancel.onCancel((reason) => this.fail(reason));
    owner.use(socket, this);
    const chunked = request.body !== undefined && request.headers["content-length"] === undefined;
    try {
      const fields = requestHeadFields(request.headers, chunked);
      socket.write(serializeRequestHead(request.method, request.target, fields), "latin1");
    } catch (error) {
      this.fail(error as Error);
      return;
    }
    if (request.body) void this.sendBody(request.body, chunked);
    else this.requestSent = true;
  }

  private async sendBody(body: AsyncIterable<Buffer>, chunked: boolean): Promise<void> {
    const socket = this.socket;
    try {
      for await (const chunk of body) {
        if (this.failure || this.complete) return;
        if (chunk.length === 0) continue;
        // Every part is queued whatever `write` answers; its answer only says to wait.
        if (chunked) socket.write(`${chunk.length.toString(16)}\r\n`, "latin1");
        const written = socket.write(chunk);
        if (chunked) socket.write("\r\n", "latin1");
        if (!written || socket.writableNeedDrain) await drained(socket);
      }
      if (this.failure || this.complete) return;
      if (chunked) socket.write("0\r\n\r\n", "latin1");
      this.requestSent = true;
      // The wait for the head starts once the whole request is out (an upload takes its time).
      if (!this.headed) this.deadline = Date.now() + this.timeouts.headersTimeoutMs;
    } catch (error) {
      // The client's body failed (it went away): the exchange cannot finish.
      this.fail(error as Error);
    }
  }

  onData(chunk: Buffer): void {
    this.answered = true;
    if (this.headed) {
      this.deadline = Date.now() + this.timeouts.bodyTimeoutMs;
      this.body(chunk);
    } else this.readHead(this.head ? Buffer.concat([this.head, chunk]) : chunk);
  }

  private readHead(buffer: Buffer): void {
    let bytes = buffer;
    for (;;) {
      const parsed = parseResponseHead(bytes, this.request.method);
      if (parsed.kind === "incomplete") {
        this.head = bytes;
        return;
      }
      if (parsed.kind === "error") {
        this.fail(new UpstreamProtocolError(this.request.instance, parsed.reason));
        return;
      }
      bytes = bytes.subarray(parsed.headBytes);
      if (parsed.informational) continue; // 100 Continue, 103 Early Hints: the final one follows
      if (parsed.switchingProtocols) {
        this.fail(new UpstreamProtocolError(this.request.instance, "101 to a plain request"));
        return;
      }
      this.head = undefined;
      this.headed = true;
      this.status = parsed.status;
      this.headers = lowerCaseNames(parsed.rawHeaders);
      this.framing = parsed.framing;
      this.keepAlive = parsed.keepAlive;
      this.deadline = Date.now() + this.timeouts.bodyTimeoutMs;
      const framing = parsed.framing;
      if (framing.kind === "length") this.remaining = framing.length;
      else if (framing.kind === "chunked") this.decoder = new ChunkedDecoder();
      this.owner.resolve(this);
      if (framing.kind === "none" || (framing.kind === "length" && framing.length === 0)) {
        this.finishExchange(bytes.length === 0);
      } else if (bytes.length > 0) this.body(bytes);
      return;
    }
  }

  private body(chunk: Buffer): void {
    const framing = this.framing!;
    if (framing.kind === "length") {
      const take = Math.min(this.remaining, chunk.length);
      this.remaining -= take;
      this.deliver(take === chunk.length ? chunk : chunk.subarray(0, take));
      // Bytes past the body answer nothing: the socket is out of step, not reused.
      if (this.remaining === 0) this.finishExchange(take === chunk.length);
    } else if (framing.kind === "chunked") {
      const decoded = this.decoder!.push(chunk);
      if (decoded.kind === "error") {
        this.fail(new UpstreamProtocolError(this.request.instance, decoded.reason));
        return;
      }
      for (const data of decoded.data) this.deliver(data);
      if (decoded.done) {
        if (decoded.trailers) this.gotTrailers(decoded.trailers);
        this.finishExchange(decoded.rest === undefined);
      }
    } else this.deliver(chunk); // close-delimited: until the app closes
  }

  private deliver(chunk: Buffer): void {
    if (this.failure || chunk.length === 0) return;
    const destination = this.destination;
    if (!destination) {
      if (this.held) this.held.push(chunk);
      else this.held = [chunk];
      this.heldBytes += chunk.length;
      if (this.heldBytes >= heldBytesMax) this.socket.pause();
      return;
    }
    this.capture?.push(chunk);
    if (!destination.write(chunk) && !this.waitingForDrain) {
      this.waitingForDrain = true;
      this.socket.pause();
      destination.once("drain", () => {
        this.waitingForDrain = false;
        if (!this.complete) this.socket.resume();
      });
    }
  }

  private gotTrailers(flat: string[]): void {
    const trailers: Record<string, string | string[]> = {};
    for (let i = 0; i + 1 < flat.length; i += 2) {
      const name = lowerCaseName(flat[i]!);
      const before = trailers[name];
      if (before === undefined) trailers[name] = flat[i + 1]!;
      else if (Array.isArray(before)) before.push(flat[i + 1]!);
      else trailers[name] = [before, flat[i + 1]!];
    }
    this.trailers = trailers;
    this.trailerListener?.(trailers);
  }

  onTrailers(listener: (trailers: Record<string, string | string[]>) => void): void {
    this.trailerListener = listener;
    if (this.trailers) listener(this.trailers);
  }

  onEnd(): void {
    if (this.headed && this.framing?.kind === "close") this.finishExchange(false);
    else this.fail(this.closedEarly());
  }

  onClose(): void {
    if (!this.complete) this.fail(this.closedEarly());
  }

  onError(error: Error): void {
    this.fail(
      this.answered || !this.reused ? error : new StaleConnection(this.request.instance, error),
    );
  }

  private closedEarly(): Error {
    if (!this.answered && this.reused) return new StaleConnection(this.request.instance);
    return new UpstreamProtocolError(
      this.request.instance,
      this.headed ? "the connection closed mid-body" : "the connection closed before a response",
    );
  }

  expired(): void {
    this.fail(
      this.headed
        ? new Error(
            `${this.request.instance.id} sent nothing for ${this.timeouts.bodyTimeoutMs} ms`,
          )
        : new UpstreamTimeout(this.request.instance),
    );
  }

  relay(destination: BodyDestination, capture?: ChunkSink): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.settle = { resolve, reject };
      this.destination = destination;
      if (this.failure) {
        this.fail(this.failure);
        return;
      }
      this.capture = capture;
      const held = this.held;
      this.held = undefined;
      this.heldBytes = 0;
      if (held) for (const chunk of held) this.deliver(chunk);
      if (this.complete) this.finishRelay(destination);
      // Paused for the held bytes: the client takes them now.
      else if (!this.waitingForDrain && this.socket.isPaused()) this.socket.resume();
    });
  }

  /** The response is all read: the socket goes back to the pool (or away), the client's ends. */
  private finishExchange(clean: boolean): void {
    if (this.complete) return;
    this.complete = true;
    this.deadline = 0;
    this.removeCancel();
    this.owner.release(this.socket, clean && this.keepAlive && this.requestSent);
    if (this.destination) this.finishRelay(this.destination);
  }

  private finishRelay(destination: BodyDestination): void {
    destination.end(() => {
      const settle = this.settle;
      this.settle = undefined;
      settle?.resolve();
    });
  }

  /** Either side failed: the socket is destroyed, the caller's promise rejects. */
  private fail(error: Error): void {
    if (this.complete && !this.settle) return;
    const first = this.failure === undefined;
    this.failure ??= error;
    if (first) {
      this.deadline = 0;
      this.removeCancel();
      if (!this.complete) {
        this.complete = true;
        this.owner.release(this.socket, false);
      }
      if (!this.headed) {
        this.headed = true;
        this.owner.reject(error);
        return;
      }
    }
    const settle = this.settle;
    if (!settle) return; // relay() not called yet: it rejects when it is
    this.settle = undefined;
    this.destination?.destroy();
    settle.reject(this.failure);
  }
}

function lowerCaseNames(raw: string[]): string[] {
  for (let i = 0; i < raw.length; i += 2) raw[i] = lowerCaseName(raw[i]!);
  return raw;
}

function drained(socket: PoolSocket): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = () => {
      socket.removeListener("drain", done).removeListener("close", closed);
      resolve();
    };
    const closed = () => {
      socket.removeListener("drain", done);
      reject(new Error("the upstream connection closed while the body was sent"));
    };
    socket.once("drain", done).once("close", closed);
  });
}
