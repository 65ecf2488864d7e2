import type { Socket } from "node:net";
import { Readable } from "node:stream";
import { ChunkedDecoder } from "../../http1/chunked-decoder.js";

/** A request with a body on a FastHttp1Connection: the body is this Readable's data. */
export class FastBodyRequest extends Readable {
  constructor(
    readonly method: string,
    readonly url: string,
    readonly rawHeaders: string[],
    readonly socket: Socket,
    private readonly wantMore: () => void,
  ) {
    super({ highWaterMark: 64 * 1024 });
  }

  override _read(): void {
    this.wantMore();
  }
}

/** What a feed did with a chunk from the socket. */
export interface Fed {
  /** Bytes after the end of this body: the next request's. */
  rest: Buffer | undefined;
  /** The body's reader is full: stop reading the socket until it asks for more. */
  full: boolean;
}

/**
 * The body of one request, framed by Content-Length or chunked, fed from the socket into its
 * FastBodyRequest (chunked bodies decoded: the upstream gets them framed anew). Ends the
 * Readable when the body ends; reports a broken framing as an Error.
 */
export class RequestBodyFeed {
  done = false;
  private remaining: number;
  private readonly decoder: ChunkedDecoder | undefined;

  constructor(
    private readonly request: FastBodyRequest,
    framing: { kind: "length"; length: number } | { kind: "chunked" },
  ) {
    this.remaining = framing.kind === "length" ? framing.length : 0;
    this.decoder = framing.kind === "chunked" ? new ChunkedDecoder() : undefined;
  }

  feed(chunk: Buffer): Fed | Error {
    const request = this.request;
    if (this.decoder === undefined) {
      const take = Math.min(this.remaining, chunk.length);
      this.remaining -= take;
      let full = false;
      if (take > 0) full = !request.push(take === chunk.length ? chunk : chunk.subarray(0, take));
      if (this.remaining === 0) this.end();
      return { rest: take < chunk.length ? chunk.subarray(take) : undefined, full };
    }
    const decoded = this.decoder.push(chunk);
    if (decoded.kind === "error") {
      this.done = true;
      const error = new Error(`the request's chunked body is malformed: ${decoded.reason}`);
      request.destroy(error);
      return error;
    }
    let full = false;
    for (const data of decoded.data) full = !request.push(data) || full;
    if (decoded.done) this.end();
    return { rest: decoded.rest, full };
  }

  private end(): void {
    this.done = true;
    this.request.push(null);
  }

  /** The connection went away, or the request timed out, before the body ended. */
  abort(reason: Error): void {
    if (this.done) return;
    this.done = true;
    this.request.destroy(reason);
  }
}
