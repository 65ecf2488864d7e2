// A request head (RFC 9112 §2–§7, RFC 9110), parsed strictly: anything two HTTP
// implementations could read differently is refused, since this parser decides where one
// tenant's request ends and the next begins.
import { CR, LF, latin1, SP, TARGET_BYTE, TOKEN_BYTE } from "./byte-classes.js";
import { FIELDS_TOO_MANY, fieldLinesFailureReason, parseFieldLines } from "./field-lines.js";
import {
  type BodyFraming,
  FRAMING_CHUNKED,
  FRAMING_NONE,
  readFramingFields,
  TE_ABSENT,
  TE_CHUNKED,
  TE_CHUNKED_AFTER_OTHERS,
  TE_CHUNKED_NOT_FINAL,
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
import {
  absoluteFormAuthority,
  isValidHost,
  TARGET_ABSOLUTE,
  TARGET_ASTERISK,
  TARGET_INVALID,
  targetForm,
} from "./request-target.js";

export interface RequestHeadError {
  readonly kind: "error";
  readonly status: 400 | 414 | 431 | 501 | 505;
  readonly reason: string;
}

export interface RequestHead {
  readonly kind: "head";
  /** Bytes consumed, including empty lines before the request-line and the final CRLFCRLF. */
  readonly headBytes: number;
  readonly method: string;
  readonly target: string;
  readonly versionMinor: 0 | 1;
  /** `[name, value, …]` like IncomingMessage.rawHeaders: names as sent, values OWS-trimmed. */
  readonly rawHeaders: string[];
  readonly framing: BodyFraming;
  readonly keepAlive: boolean;
  /** HTTP/1.1, `Connection: upgrade` and a non-empty Upgrade field. */
  readonly upgrade: boolean;
  /** HTTP/1.1 and `Expect: 100-continue` (an HTTP/1.0 expectation is ignored, RFC 9110 §10.1.1). */
  readonly expectContinue: boolean;
}

export type RequestHeadResult = HeadIncomplete | RequestHeadError | RequestHead;

/** RFC 9112 §2.2: a server SHOULD ignore at least one empty line before the request-line. */
const maxLeadingEmptyLines = 4;

function fail(status: RequestHeadError["status"], reason: string): RequestHeadError {
  return { kind: "error", status, reason };
}

/** Parses the request head at the start of `buffer` (which may hold more: a body, a next request). */
export function parseRequestHead(buffer: Buffer, limits?: HeadLimits): RequestHeadResult {
  const maxHeadBytes = limits?.maxHeadBytes ?? DEFAULT_MAX_HEAD_BYTES;
  const maxHeaders = limits?.maxHeaders ?? DEFAULT_MAX_HEADERS;

  let start = 0;
  while (buffer[start] === CR) {
    if (start + 1 >= buffer.length) return HEAD_INCOMPLETE;
    if (buffer[start + 1] !== LF) return fail(400, "CR not followed by LF");
    start += 2;
    if (start > 2 * maxLeadingEmptyLines) {
      return fail(400, "too many empty lines before the request-line");
    }
  }
  if (start >= buffer.length) return HEAD_INCOMPLETE;

  const completeThrough = locateHeadEnd(buffer, start, maxHeadBytes, maxHeaders);
  if (completeThrough < 0) return notComplete(buffer, start, completeThrough, maxHeadBytes);

  const text = latin1(buffer, 0, completeThrough);
  const line = parseRequestLine(buffer, text, start);
  if (line.kind === "error") return line;
  const rawHeaders: string[] = [];
  const fieldsEnd = parseFieldLines(buffer, text, line.next, rawHeaders, maxHeaders);
  if (fieldsEnd < 0) {
    return fail(fieldsEnd === FIELDS_TOO_MANY ? 431 : 400, fieldLinesFailureReason(fieldsEnd));
  }
  return interpretRequest(line, rawHeaders, fieldsEnd);
}

/**
 * No complete head yet: fail now if it can no longer fit, or if what arrived is already wrong
 * (a bare LF, a bad request-line, a method with a non-token byte: a TLS or HTTP/2 client on
 * this port); otherwise wait.
 */
function notComplete(
  buffer: Buffer,
  start: number,
  completeThrough: number,
  maxHeadBytes: number,
): RequestHeadResult {
  if (completeThrough === HEAD_BARE_LF) return fail(400, "LF not preceded by CR");
  if (completeThrough === HEAD_TOO_MANY_FIELDS) return fail(431, "too many header fields");
  const lineEnd = buffer.indexOf(LF, start);
  if (completeThrough === HEAD_TOO_LARGE) {
    return lineEnd === -1 || lineEnd >= maxHeadBytes
      ? fail(414, `request-line longer than ${maxHeadBytes} bytes`)
      : fail(431, `request head larger than ${maxHeadBytes} bytes`);
  }
  if (lineEnd !== -1) {
    if (lineEnd - start >= EARLY_LINE_CHECK_BYTES) return HEAD_INCOMPLETE;
    const line = parseRequestLine(buffer, latin1(buffer, 0, lineEnd + 1), start);
    return line.kind === "error" ? line : HEAD_INCOMPLETE;
  }
  let pos = start;
  while (pos < buffer.length && TOKEN_BYTE[buffer[pos]!] === 1) pos++;
  if (pos < buffer.length && (buffer[pos] !== SP || pos === start))
    return fail(400, "invalid method");
  return HEAD_INCOMPLETE;
}

interface RequestLine {
  readonly kind: "line";
  readonly method: string;
  readonly target: string;
  readonly targetForm: number;
  readonly versionMinor: 0 | 1;
  /** Offset of the first field line. */
  readonly next: number;
}

/**
 * `method SP request-target SP HTTP/1.x CRLF`, single spaces, nothing else. `text` is `buffer`
 * as latin1 from offset 0 through at least the line's end.
 */
function parseRequestLine(
  buffer: Buffer,
  text: string,
  start: number,
): RequestLine | RequestHeadError {
  let pos = start;
  let byte = buffer[pos]!;
  while (TOKEN_BYTE[byte] === 1) byte = buffer[++pos]!;
  if (byte !== SP || pos === start) return fail(400, "invalid method");
  const methodEnd = pos;

  const targetStart = ++pos;
  byte = buffer[pos]!;
  while (TARGET_BYTE[byte] === 1) byte = buffer[++pos]!;
  if (byte !== SP || pos === targetStart) return fail(400, "invalid request-target");
  const targetEnd = pos;

  const version = pos + 1;
  if (
    buffer[version] !== 0x48 /* H */ ||
    buffer[version + 1] !== 0x54 /* T */ ||
    buffer[version + 2] !== 0x54 /* T */ ||
    buffer[version + 3] !== 0x50 /* P */ ||
    buffer[version + 4] !== 0x2f /* / */ ||
    !isDigit(buffer[version + 5]) ||
    buffer[version + 6] !== 0x2e /* . */ ||
    !isDigit(buffer[version + 7]) ||
    buffer[version + 8] !== CR ||
    buffer[version + 9] !== LF
  ) {
    return fail(400, "invalid HTTP version");
  }
  const minor = buffer[version + 7]! - 0x30;
  if (buffer[version + 5] !== 0x31 /* 1 */ || minor > 1) {
    return fail(505, "HTTP version not supported");
  }

  const method = methodName(buffer, text, start, methodEnd);
  // CONNECT (authority-form, then a tunnel) is node:http's business, not this engine's.
  if (method === "CONNECT") return fail(501, "CONNECT not supported");
  const target = text.slice(targetStart, targetEnd);
  const form = targetForm(target);
  if (form === TARGET_INVALID) return fail(400, "invalid request-target");
  if (form === TARGET_ASTERISK && method !== "OPTIONS") {
    return fail(400, "request-target * is only for OPTIONS");
  }
  return {
    kind: "line",
    method,
    target,
    targetForm: form,
    versionMinor: minor as 0 | 1,
    next: version + 10,
  };
}

function isDigit(byte: number | undefined): boolean {
  return byte !== undefined && byte >= 0x30 && byte <= 0x39;
}

/** Common methods as constant strings (no allocation); others sliced as sent (case-sensitive). */
function methodName(buffer: Buffer, text: string, start: number, end: number): string {
  switch (end - start) {
    case 3:
      if (isAt(buffer, start, "GET")) return "GET";
      if (isAt(buffer, start, "PUT")) return "PUT";
      break;
    case 4:
      if (isAt(buffer, start, "POST")) return "POST";
      if (isAt(buffer, start, "HEAD")) return "HEAD";
      break;
    case 5:
      if (isAt(buffer, start, "PATCH")) return "PATCH";
      break;
    case 6:
      if (isAt(buffer, start, "DELETE")) return "DELETE";
      break;
    case 7:
      if (isAt(buffer, start, "OPTIONS")) return "OPTIONS";
      if (isAt(buffer, start, "CONNECT")) return "CONNECT";
      break;
  }
  return text.slice(start, end);
}

function isAt(buffer: Buffer, start: number, literal: string): boolean {
  for (let i = 0; i < literal.length; i++) {
    if (buffer[start + i] !== literal.charCodeAt(i)) return false;
  }
  return true;
}

function interpretRequest(
  line: RequestLine,
  rawHeaders: string[],
  headBytes: number,
): RequestHead | RequestHeadError {
  const fields = readFramingFields(rawHeaders);
  if (typeof fields === "string") return fail(400, fields);
  const http11 = line.versionMinor === 1;

  if (fields.hostCount > 1) return fail(400, "more than one Host field");
  if (fields.hostCount === 0 && http11) return fail(400, "HTTP/1.1 request without Host");
  if (fields.host !== undefined && !isValidHost(fields.host)) return fail(400, "invalid Host");
  if (line.targetForm === TARGET_ABSOLUTE) {
    const authority = absoluteFormAuthority(line.target);
    if (authority === undefined) return fail(400, "invalid authority in request-target");
    if (fields.host !== undefined && authority.toLowerCase() !== fields.host.toLowerCase()) {
      return fail(400, "request-target authority differs from Host");
    }
  }

  let framing = FRAMING_NONE;
  if (fields.transferEncoding !== TE_ABSENT) {
    // RFC 9112 §6.1: TE in HTTP/1.0 means the framing is faulty; §6.3: TE with CL is
    // how request smuggling starts. Both are refused rather than repaired.
    if (!http11) return fail(400, "Transfer-Encoding in an HTTP/1.0 request");
    if (fields.contentLength !== -1) return fail(400, "both Transfer-Encoding and Content-Length");
    if (fields.transferEncoding === TE_CHUNKED_AFTER_OTHERS) {
      return fail(501, "transfer coding other than chunked");
    }
    if (fields.transferEncoding === TE_CHUNKED_NOT_FINAL) {
      return fail(400, "chunked is not the final transfer coding");
    }
    if (fields.transferEncoding !== TE_CHUNKED) return fail(400, "invalid Transfer-Encoding");
    framing = FRAMING_CHUNKED;
  } else if (fields.contentLength !== -1) {
    framing = { kind: "length", length: fields.contentLength };
  }

  return {
    kind: "head",
    headBytes,
    method: line.method,
    target: line.target,
    versionMinor: line.versionMinor,
    rawHeaders,
    framing,
    keepAlive: http11
      ? !fields.connectionClose
      : fields.connectionKeepAlive && !fields.connectionClose,
    upgrade: http11 && fields.connectionUpgrade && fields.upgrade,
    expectContinue: http11 && fields.expectContinue,
  };
}
