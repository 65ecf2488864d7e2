// The chunked transfer coding (RFC 9112 §7.1), incrementally: bytes arrive split anywhere (mid
// chunk-size, between CR and LF) and the decoder keeps its place. Strict: a chunk-size is
// 1*HEXDIG and nothing else, every chunk's data ends in exactly CRLF, and trailer fields
// follow the header-line rules, so the engine and the app behind it can never disagree on
// where a chunked message ends.
import { CR, FIELD_VALUE_BYTE, HEX_VALUE, LF, latin1, TOKEN_BYTE } from "./byte-classes.js";
import { fieldLinesFailureReason, parseFieldLines } from "./field-lines.js";
import { readFramingFields, TE_ABSENT } from "./framing-fields.js";

export interface ChunkedLimits {
  /** A chunk-size line (size and extensions, without CRLF); default 4 KiB. */
  maxChunkLineBytes?: number;
  /** The trailer section, through its final CRLF; default 16 KiB. */
  maxTrailerBytes?: number;
  /** Trailer fields; default 100. */
  maxTrailers?: number;
}

export interface ChunkedError {
  readonly kind: "error";
  readonly reason: string;
}

export interface ChunkedData {
  readonly kind: "data";
  /** Payload, as views into the pushed buffer (never copies). */
  readonly data: Buffer[];
  /** The message ended in this push. */
  readonly done: boolean;
  /** Bytes after the end of the message (the next message's), when it ended in this push. */
  readonly rest: Buffer | undefined;
  /** Trailer fields `[name, value, …]`, on the push that ended the message, if it had any. */
  readonly trailers: string[] | undefined;
}

export interface ChunkedRelay {
  readonly kind: "relay";
  /** How many leading bytes of the pushed buffer belong to this message (the rest do not). */
  readonly messageBytes: number;
  readonly done: boolean;
  readonly trailers: string[] | undefined;
}

const MAX_SIZE_DIGITS = 16;

// Where the decoder is.
const AT_SIZE_START = 0;
const IN_SIZE = 1;
const IN_EXTENSION = 2;
const AT_SIZE_LF = 3;
const IN_DATA = 4;
const AT_DATA_CR = 5;
const AT_DATA_LF = 6;
const IN_TRAILER = 7;
const DONE = 8;
const FAILED = 9;

// Where it is inside `*( ";" name [ "=" ( token / quoted-string ) ] )`.
const EXT_NAME_START = 0;
const EXT_NAME = 1;
const EXT_VALUE_START = 2;
const EXT_TOKEN_VALUE = 3;
const EXT_QUOTED_VALUE = 4;
const EXT_QUOTED_ESCAPE = 5;
const EXT_AFTER_QUOTED = 6;

const SEMICOLON = 0x3b;
const EQUALS = 0x3d;
const DQUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * One chunked message body. `push` decodes (payload slices out); `relay` only finds where the
 * message ends, for forwarding the chunked bytes verbatim. Use one or the other per message;
 * `reset` readies the decoder for the next message. After an error every call returns it.
 */
export class ChunkedDecoder {
  private state = AT_SIZE_START;
  private extension = EXT_NAME_START;
  private size = 0;
  private sizeDigits = 0;
  private lineBytes = 0;
  private remaining = 0;
  private trailerBytes = 0;
  private trailerLineBytes = 0;
  private trailerCR = false;
  private trailerParts: Buffer[] = [];
  private trailers: string[] | undefined;
  private failure: ChunkedError | undefined;
  private readonly maxLineBytes: number;
  private readonly maxTrailerBytes: number;
  private readonly maxTrailers: number;

  constructor(limits?: ChunkedLimits) {
    this.maxLineBytes = limits?.maxChunkLineBytes ?? 4 * 1024;
    this.maxTrailerBytes = limits?.maxTrailerBytes ?? 16 * 1024;
    this.maxTrailers = limits?.maxTrailers ?? 100;
  }

  /** The whole message has been seen. */
  get done(): boolean {
    return this.state === DONE;
  }

  push(chunk: Buffer): ChunkedData | ChunkedError {
    const data: Buffer[] = [];
    const end = this.advance(chunk, data);
    if (end < 0) return this.failure!;
    const done = this.state === DONE;
    return {
      kind: "data",
      data,
      done,
      rest: done && end < chunk.length ? chunk.subarray(end) : undefined,
      trailers: this.takeTrailers(),
    };
  }

  relay(chunk: Buffer): ChunkedRelay | ChunkedError {
    const end = this.advance(chunk, undefined);
    if (end < 0) return this.failure!;
    return {
      kind: "relay",
      messageBytes: end,
      done: this.state === DONE,
      trailers: this.takeTrailers(),
    };
  }

  reset(): void {
    this.state = AT_SIZE_START;
    this.size = 0;
    this.sizeDigits = 0;
    this.lineBytes = 0;
    this.remaining = 0;
    this.trailerBytes = 0;
    this.trailerLineBytes = 0;
    this.trailerCR = false;
    this.trailerParts = [];
    this.trailers = undefined;
    this.failure = undefined;
  }

  private takeTrailers(): string[] | undefined {
    const trailers = this.trailers;
    this.trailers = undefined;
    return trailers;
  }

  private fail(reason: string): number {
    this.state = FAILED;
    this.failure = { kind: "error", reason };
    return -1;
  }

  /** Consumes `chunk` up to the end of the message; returns where it stopped, or -1. */
  private advance(chunk: Buffer, data: Buffer[] | undefined): number {
    let pos = 0;
    while (pos < chunk.length) {
      switch (this.state) {
        case IN_DATA: {
          const take = Math.min(this.remaining, chunk.length - pos);
          if (data !== undefined) {
            data.push(take === chunk.length ? chunk : chunk.subarray(pos, pos + take));
          }
          pos += take;
          this.remaining -= take;
          if (this.remaining === 0) this.state = AT_DATA_CR;
          break;
        }
        case AT_DATA_CR:
          if (chunk[pos++] !== CR) return this.fail("chunk data not followed by CRLF");
          this.state = AT_DATA_LF;
          break;
        case AT_DATA_LF:
          if (chunk[pos++] !== LF) return this.fail("chunk data not followed by CRLF");
          this.state = AT_SIZE_START;
          this.size = 0;
          this.sizeDigits = 0;
          this.lineBytes = 0;
          break;
        case IN_TRAILER:
          pos = this.trailerSection(chunk, pos);
          if (pos < 0) return -1;
          break;
        case DONE:
          return pos;
        case FAILED:
          return -1;
        default:
          pos = this.sizeLine(chunk, pos);
          if (pos < 0) return -1;
      }
    }
    return this.state === FAILED ? -1 : pos;
  }

  /** `1*HEXDIG *( ";" ext ) CRLF`, no whitespace anywhere (no BWS before `;`). */
  private sizeLine(chunk: Buffer, start: number): number {
    for (let pos = start; pos < chunk.length; pos++) {
      const byte = chunk[pos]!;
      if (this.state === AT_SIZE_LF) {
        if (byte !== LF) return this.fail("CR not followed by LF in chunk-size line");
        if (this.size === 0) {
          this.state = IN_TRAILER;
        } else {
          this.state = IN_DATA;
          this.remaining = this.size;
        }
        return pos + 1;
      }
      if (byte !== CR && ++this.lineBytes > this.maxLineBytes) {
        return this.fail(`chunk-size line longer than ${this.maxLineBytes} bytes`);
      }
      if (this.state === IN_EXTENSION) {
        if (byte === CR) {
          if (!extensionMayEnd(this.extension)) return this.fail("invalid chunk extension");
          this.state = AT_SIZE_LF;
        } else {
          this.extension = nextExtensionState(this.extension, byte);
          if (this.extension < 0) {
            return this.fail(
              byte === LF ? "LF not preceded by CR in chunk-size line" : "invalid chunk extension",
            );
          }
        }
        continue;
      }
      const digit = HEX_VALUE[byte]!;
      if (digit >= 0) {
        if (++this.sizeDigits > MAX_SIZE_DIGITS) return this.fail("chunk size too long");
        this.size = this.size * 16 + digit;
        if (this.size > Number.MAX_SAFE_INTEGER) return this.fail("chunk size too large");
        this.state = IN_SIZE;
      } else if (this.state === IN_SIZE && byte === CR) {
        this.state = AT_SIZE_LF;
      } else if (this.state === IN_SIZE && byte === SEMICOLON) {
        this.state = IN_EXTENSION;
        this.extension = EXT_NAME_START;
      } else {
        return this.fail(
          byte === LF ? "LF not preceded by CR in chunk-size line" : "invalid chunk size",
        );
      }
    }
    return chunk.length;
  }

  /** Field lines until an empty line, collected (bounded) and parsed once complete. */
  private trailerSection(chunk: Buffer, start: number): number {
    let pos = start;
    let ended = false;
    const room = this.maxTrailerBytes - this.trailerBytes;
    while (pos < chunk.length && !ended) {
      if (pos - start >= room) {
        return this.fail(`trailer section larger than ${this.maxTrailerBytes} bytes`);
      }
      const byte = chunk[pos++]!;
      if (this.trailerCR) {
        if (byte !== LF) return this.fail("CR not followed by LF in trailer section");
        this.trailerCR = false;
        ended = this.trailerLineBytes === 0;
        this.trailerLineBytes = 0;
      } else if (byte === CR) {
        this.trailerCR = true;
      } else if (byte === LF) {
        return this.fail("LF not preceded by CR in trailer section");
      } else {
        this.trailerLineBytes++;
      }
    }
    this.trailerBytes += pos - start;
    // The usual trailer section is the bare CRLF after `0\r\n`: nothing to keep or parse.
    if (ended && this.trailerParts.length === 0 && this.trailerBytes === 2) {
      this.state = DONE;
      return pos;
    }
    this.trailerParts.push(chunk.subarray(start, pos));
    if (ended) return this.finishTrailers(pos);
    return pos;
  }

  private finishTrailers(pos: number): number {
    const parts = this.trailerParts;
    const section = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
    this.trailerParts = [];
    const trailers: string[] = [];
    const end = parseFieldLines(
      section,
      latin1(section, 0, section.length),
      0,
      trailers,
      this.maxTrailers,
    );
    if (end < 0) return this.fail(`trailer section: ${fieldLinesFailureReason(end)}`);
    // Framing fields in a trailer mean nothing (RFC 9110 §6.5.1) and would mean something to
    // a recipient that merged trailers into the header section.
    const framing = readFramingFields(trailers);
    if (
      typeof framing === "string" ||
      framing.contentLength !== -1 ||
      framing.transferEncoding !== TE_ABSENT ||
      framing.hostCount !== 0
    ) {
      return this.fail("framing field in trailer section");
    }
    this.trailers = trailers;
    this.state = DONE;
    return pos;
  }
}

function extensionMayEnd(extension: number): boolean {
  return extension === EXT_NAME || extension === EXT_TOKEN_VALUE || extension === EXT_AFTER_QUOTED;
}

/** The extension state after `byte`, or -1 when `byte` breaks the grammar. */
function nextExtensionState(extension: number, byte: number): number {
  switch (extension) {
    case EXT_NAME_START:
      return TOKEN_BYTE[byte] === 1 ? EXT_NAME : -1;
    case EXT_NAME:
      if (TOKEN_BYTE[byte] === 1) return EXT_NAME;
      if (byte === EQUALS) return EXT_VALUE_START;
      return byte === SEMICOLON ? EXT_NAME_START : -1;
    case EXT_VALUE_START:
      if (TOKEN_BYTE[byte] === 1) return EXT_TOKEN_VALUE;
      return byte === DQUOTE ? EXT_QUOTED_VALUE : -1;
    case EXT_TOKEN_VALUE:
      if (TOKEN_BYTE[byte] === 1) return EXT_TOKEN_VALUE;
      return byte === SEMICOLON ? EXT_NAME_START : -1;
    case EXT_QUOTED_VALUE:
      if (byte === DQUOTE) return EXT_AFTER_QUOTED;
      if (byte === BACKSLASH) return EXT_QUOTED_ESCAPE;
      return FIELD_VALUE_BYTE[byte] === 1 ? EXT_QUOTED_VALUE : -1;
    case EXT_QUOTED_ESCAPE:
      return FIELD_VALUE_BYTE[byte] === 1 ? EXT_QUOTED_VALUE : -1;
    default:
      return byte === SEMICOLON ? EXT_NAME_START : -1;
  }
}
