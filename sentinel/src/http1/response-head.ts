// A response head from an upstream (RFC 9112 §4, §6.3). The upstream is a tenant's app, so it
// gets the same strictness as a client: a head two implementations could frame differently is
// an error (the engine answers 502), never a guess.
import { CR, FIELD_VALUE_BYTE, LF, latin1, SP } from "./byte-classes.js";
import { fieldLinesFailureReason, parseFieldLines } from "./field-lines.js";
import {
  type BodyFraming,
  FRAMING_CHUNKED,
  FRAMING_NONE,
  readFramingFields,
  TE_ABSENT,
  TE_CHUNKED_NOT_FINAL,
  TE_MALFORMED,
} from "./framing-fields.js";
import {
  DEFAULT_MAX_HEAD_BYTES,
  DEFAULT_MAX_HEADERS,
  EARLY_LINE_CHECK_BYTES,
  HEAD_BARE_LF,
  HEAD_INCOMPLETE,
  HEAD_TOO_LARGE,
  HEAD_TOO_MANY_FIELDS,
  type HeadIncomplete,
  type HeadLimits,
  locateHeadEnd,
} from "./head-limits.js";

/** The body ends when the upstream closes the connection (RFC 9112 §6.3 rule 7). */
export type ResponseFraming = BodyFraming | { readonly kind: "close" };

export const FRAMING_CLOSE: ResponseFraming = Object.freeze({ kind: "close" });

export interface ResponseHeadError {
  readonly kind: "error";
  readonly reason: string;
}

export interface ResponseHead {
  readonly kind: "head";
  /** Bytes consumed, through the final CRLFCRLF. */
  readonly headBytes: number;
  readonly status: number;
  readonly reason: string;
  readonly versionMinor: 0 | 1;
  /** `[name, value, …]` like IncomingMessage.rawHeaders: names as sent, values OWS-trimmed. */
  readonly rawHeaders: string[];
  readonly framing: ResponseFraming;
  /** The upstream connection can carry another exchange after this response. */
  readonly keepAlive: boolean;
  /** 1xx other than 101: another head follows on the same connection. */
  readonly informational: boolean;
  /** 101: the connection now speaks the protocol the request asked to upgrade to. */
  readonly switchingProtocols: boolean;
}

export type ResponseHeadResult = HeadIncomplete | ResponseHeadError | ResponseHead;

function fail(reason: string): ResponseHeadError {
  return { kind: "error", reason };
}

/**
 * Parses the response head at the start of `buffer`. `requestMethod` is the method of the
 * request this answers (a response to HEAD has no body whatever its fields say).
 */
export function parseResponseHead(
  buffer: Buffer,
  requestMethod: string,
  limits?: HeadLimits,
): ResponseHeadResult {
  const maxHeadBytes = limits?.maxHeadBytes ?? DEFAULT_MAX_HEAD_BYTES;
  const maxHeaders = limits?.maxHeaders ?? DEFAULT_MAX_HEADERS;

  const completeThrough = locateHeadEnd(buffer, 0, maxHeadBytes, maxHeaders);
  if (completeThrough < 0) {
    if (completeThrough === HEAD_BARE_LF) return fail("LF not preceded by CR");
    if (completeThrough === HEAD_TOO_LARGE)
      return fail(`response head larger than ${maxHeadBytes} bytes`);
    if (completeThrough === HEAD_TOO_MANY_FIELDS) return fail("too many header fields");
    const lineEnd = buffer.indexOf(LF);
    if (lineEnd === -1 || lineEnd >= EARLY_LINE_CHECK_BYTES) return HEAD_INCOMPLETE;
    const line = parseStatusLine(buffer, latin1(buffer, 0, lineEnd + 1));
    return line.kind === "error" ? line : HEAD_INCOMPLETE;
  }

  const text = latin1(buffer, 0, completeThrough);
  const line = parseStatusLine(buffer, text);
  if (line.kind === "error") return line;
  const rawHeaders: string[] = [];
  const fieldsEnd = parseFieldLines(buffer, text, line.next, rawHeaders, maxHeaders);
  if (fieldsEnd < 0) return fail(fieldLinesFailureReason(fieldsEnd));
  return interpretResponse(line, rawHeaders, fieldsEnd, requestMethod);
}

interface StatusLine {
  readonly kind: "line";
  readonly status: number;
  readonly reason: string;
  readonly versionMinor: 0 | 1;
  readonly next: number;
}

/**
 * `HTTP/1.x SP 3DIGIT [SP reason-phrase] CRLF`; the reason may be empty, with or without its
 * SP. `text` is `buffer` as latin1 through at least the line's end.
 */
function parseStatusLine(buffer: Buffer, text: string): StatusLine | ResponseHeadError {
  if (
    buffer[0] !== 0x48 /* H */ ||
    buffer[1] !== 0x54 /* T */ ||
    buffer[2] !== 0x54 /* T */ ||
    buffer[3] !== 0x50 /* P */ ||
    buffer[4] !== 0x2f /* / */ ||
    buffer[5] !== 0x31 /* 1 */ ||
    buffer[6] !== 0x2e /* . */ ||
    (buffer[7] !== 0x30 && buffer[7] !== 0x31) ||
    buffer[8] !== SP
  ) {
    return fail("invalid or unsupported HTTP version in status-line");
  }
  let status = 0;
  for (let pos = 9; pos < 12; pos++) {
    const digit = buffer[pos]! - 0x30;
    if (!(digit >= 0 && digit <= 9)) return fail("invalid status code");
    status = status * 10 + digit;
  }
  if (status < 100 || status > 599) return fail("status code out of range");

  let pos = 12;
  let reasonStart = 12;
  if (buffer[pos] === SP) {
    reasonStart = ++pos;
    while (FIELD_VALUE_BYTE[buffer[pos]!] === 1) pos++;
  }
  if (buffer[pos] !== CR || buffer[pos + 1] !== LF) return fail("invalid status-line");
  return {
    kind: "line",
    status,
    reason: text.slice(reasonStart, pos),
    versionMinor: buffer[7] === 0x31 ? 1 : 0,
    next: pos + 2,
  };
}

function interpretResponse(
  line: StatusLine,
  rawHeaders: string[],
  headBytes: number,
  requestMethod: string,
): ResponseHead | ResponseHeadError {
  const fields = readFramingFields(rawHeaders);
  if (typeof fields === "string") return fail(fields);
  const status = line.status;
  const http11 = line.versionMinor === 1;
  let keepAlive = http11
    ? !fields.connectionClose
    : fields.connectionKeepAlive && !fields.connectionClose;

  let framing: ResponseFraming;
  if (requestMethod === "HEAD" || status < 200 || status === 204 || status === 304) {
    framing = FRAMING_NONE;
  } else if (requestMethod === "CONNECT" && status < 300) {
    return fail("CONNECT tunnels are not supported");
  } else if (fields.transferEncoding !== TE_ABSENT) {
    if (!http11) return fail("Transfer-Encoding in an HTTP/1.0 response");
    if (fields.contentLength !== -1) return fail("both Transfer-Encoding and Content-Length");
    if (fields.transferEncoding === TE_MALFORMED) return fail("invalid Transfer-Encoding");
    if (fields.transferEncoding === TE_CHUNKED_NOT_FINAL) {
      // RFC 9112 §6.3 rule 4: the body runs until the connection closes.
      framing = FRAMING_CLOSE;
      keepAlive = false;
    } else {
      framing = FRAMING_CHUNKED;
    }
  } else if (fields.contentLength !== -1) {
    framing = { kind: "length", length: fields.contentLength };
  } else {
    framing = FRAMING_CLOSE;
    keepAlive = false;
  }

  return {
    kind: "head",
    headBytes,
    status,
    reason: line.reason,
    versionMinor: line.versionMinor,
    rawHeaders,
    framing,
    keepAlive,
    informational: status < 200 && status !== 101,
    switchingProtocols: status === 101,
  };
}
