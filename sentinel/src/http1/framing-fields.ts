// The fields that decide how a message is framed and whether its connection lives on:
// Content-Length, Transfer-Encoding, Connection (plus Host, Upgrade and Expect, read in the
// same pass). Read from rawHeaders with charCode loops: no split, no toLowerCase, no regex.
import { equalsIgnoreCase, HTAB, SP } from "./byte-classes.js";

export type BodyFraming =
  | { readonly kind: "none" }
  | { readonly kind: "length"; readonly length: number }
  | { readonly kind: "chunked" };

export const FRAMING_NONE: BodyFraming = Object.freeze({ kind: "none" });
export const FRAMING_CHUNKED: BodyFraming = Object.freeze({ kind: "chunked" });

// What Transfer-Encoding says, once every field's list is read in order.
export const TE_ABSENT = 0;
/** Exactly one coding, `chunked`. */
export const TE_CHUNKED = 1;
/** Codings other than chunked, then chunked last (e.g. `gzip, chunked`). */
export const TE_CHUNKED_AFTER_OTHERS = 2;
/** The final coding is not chunked (`chunked, identity`, `gzip`, an empty value). */
export const TE_CHUNKED_NOT_FINAL = 3;
/** chunked more than once (`chunked, chunked`), or an empty list element (`chunked,`). */
export const TE_MALFORMED = 4;

/** Content-Length digits at most: 10^15 − 1 is below 2^53, so the sum stays exact. */
const maxContentLengthDigits = 15;

export interface FramingFields {
  /** -1 when absent. */
  contentLength: number;
  transferEncoding: number;
  hostCount: number;
  /** The first Host value (the only one, when hostCount is 1). */
  host: string | undefined;
  connectionClose: boolean;
  connectionKeepAlive: boolean;
  connectionUpgrade: boolean;
  /** An Upgrade field with a non-empty value. */
  upgrade: boolean;
  /** An Expect field whose value is `100-continue`. */
  expectContinue: boolean;
}

function isOws(code: number): boolean {
  return code === SP || code === HTAB;
}

/**
 * Reads the framing fields of rawHeaders. Returns a reason string when they are malformed in a
 * way no reading can fix: a Content-Length that is not 1*DIGIT (at most 15) or whose copies
 * disagree, a Connection option naming a framing field (a proxy that drops the fields named
 * in Connection would then drop the framing), a `Content_Length` or `Transfer_Encoding` name.
 * What Transfer-Encoding means for each kind of message is the caller's decision.
 */
export function readFramingFields(rawHeaders: readonly string[]): FramingFields | string {
  const fields: FramingFields = {
    contentLength: -1,
    transferEncoding: TE_ABSENT,
    hostCount: 0,
    host: undefined,
    connectionClose: false,
    connectionKeepAlive: false,
    connectionUpgrade: false,
    upgrade: false,
    expectContinue: false,
  };
  let codings = 0;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!;
    const value = rawHeaders[i + 1]!;
    switch (name.length) {
      case 4:
        if (equalsIgnoreCase(name, 0, 4, "host")) {
          fields.hostCount++;
          if (fields.host === undefined) fields.host = value;
        }
        break;
      case 6:
        if (
          equalsIgnoreCase(name, 0, 6, "expect") &&
          equalsIgnoreCase(value, 0, value.length, "100-continue")
        ) {
          fields.expectContinue = true;
        }
        break;
      case 7:
        if (equalsIgnoreCase(name, 0, 7, "upgrade") && value.length > 0) fields.upgrade = true;
        break;
      case 10:
        if (equalsIgnoreCase(name, 0, 10, "connection")) {
          const problem = readConnection(value, fields);
          if (problem !== undefined) return problem;
        }
        break;
      case 14:
        if (equalsIgnoreCase(name, 0, 14, "content-length")) {
          const problem = readContentLength(value, fields);
          if (problem !== undefined) return problem;
        } else if (isUnderscoreLookalike(name, "content-length")) {
          return "field name Content_Length";
        }
        break;
      case 17:
        if (equalsIgnoreCase(name, 0, 17, "transfer-encoding")) {
          codings = readTransferCodings(value, codings);
        } else if (isUnderscoreLookalike(name, "transfer-encoding")) {
          return "field name Transfer_Encoding";
        }
        break;
    }
  }
  fields.transferEncoding = transferEncodingOf(codings);
  return fields;
}

// What readTransferCodings has seen so far, as bits: one list across all Transfer-Encoding
// fields, in order (RFC 9110 §5.3).
const CODINGS_PRESENT = 1;
const CODINGS_CHUNKED_SEEN = 2;
const CODINGS_OTHER_SEEN = 4;
const CODINGS_LAST_IS_CHUNKED = 8;
const CODINGS_MALFORMED = 16;

function readTransferCodings(value: string, seen: number): number {
  let codings = seen | CODINGS_PRESENT;
  let start = 0;
  for (;;) {
    let comma = value.indexOf(",", start);
    if (comma === -1) comma = value.length;
    let end = comma;
    while (start < end && isOws(value.charCodeAt(start))) start++;
    while (end > start && isOws(value.charCodeAt(end - 1))) end--;
    if (start === end) {
      codings |= CODINGS_MALFORMED;
    } else if (equalsIgnoreCase(value, start, end, "chunked")) {
      if (codings & CODINGS_CHUNKED_SEEN) codings |= CODINGS_MALFORMED;
      codings |= CODINGS_CHUNKED_SEEN | CODINGS_LAST_IS_CHUNKED;
    } else {
      codings = (codings | CODINGS_OTHER_SEEN) & ~CODINGS_LAST_IS_CHUNKED;
    }
    if (comma === value.length) return codings;
    start = comma + 1;
  }
}

function transferEncodingOf(codings: number): number {
  if (codings === 0) return TE_ABSENT;
  if (codings & CODINGS_MALFORMED) return TE_MALFORMED;
  if (!(codings & CODINGS_LAST_IS_CHUNKED)) return TE_CHUNKED_NOT_FINAL;
  return codings & CODINGS_OTHER_SEEN ? TE_CHUNKED_AFTER_OTHERS : TE_CHUNKED;
}

/**
 * `Content_Length`, `transfer_encoding`: gateways that map fields to CGI-style variables
 * (HTTP_CONTENT_LENGTH) read these as the real thing while this parser would not, so they
 * are refused rather than forwarded.
 */
function isUnderscoreLookalike(name: string, lowerCaseLiteral: string): boolean {
  for (let i = 0; i < lowerCaseLiteral.length; i++) {
    const code = name.charCodeAt(i);
    const lower = code === 0x5f /* _ */ ? 0x2d /* - */ : code | 0x20;
    if (lower !== lowerCaseLiteral.charCodeAt(i)) return false;
  }
  return true;
}

function readContentLength(value: string, fields: FramingFields): string | undefined {
  // `42` or, from a sender that merged copies, `42, 42`: every element must be the same number.
  let start = 0;
  for (;;) {
    let comma = value.indexOf(",", start);
    if (comma === -1) comma = value.length;
    let end = comma;
    while (start < end && isOws(value.charCodeAt(start))) start++;
    while (end > start && isOws(value.charCodeAt(end - 1))) end--;
    if (start === end || end - start > maxContentLengthDigits) return "invalid Content-Length";
    let length = 0;
    for (let i = start; i < end; i++) {
      const digit = value.charCodeAt(i) - 0x30;
      if (digit < 0 || digit > 9) return "invalid Content-Length";
      length = length * 10 + digit;
    }
    if (fields.contentLength === -1) fields.contentLength = length;
    else if (fields.contentLength !== length) return "conflicting Content-Length values";
    if (comma === value.length) return undefined;
    start = comma + 1;
  }
}

function readConnection(value: string, fields: FramingFields): string | undefined {
  let start = 0;
  for (;;) {
    let comma = value.indexOf(",", start);
    if (comma === -1) comma = value.length;
    let end = comma;
    while (start < end && isOws(value.charCodeAt(start))) start++;
    while (end > start && isOws(value.charCodeAt(end - 1))) end--;
    // Empty elements (`close,,`) are allowed in lists (RFC 9110 §5.6.1) and mean nothing.
    switch (end - start) {
      case 4:
        if (equalsIgnoreCase(value, start, end, "host")) return "Connection names Host";
        break;
      case 5:
        if (equalsIgnoreCase(value, start, end, "close")) fields.connectionClose = true;
        break;
      case 7:
        if (equalsIgnoreCase(value, start, end, "upgrade")) fields.connectionUpgrade = true;
        break;
      case 10:
        if (equalsIgnoreCase(value, start, end, "keep-alive")) fields.connectionKeepAlive = true;
        break;
      case 14:
        if (equalsIgnoreCase(value, start, end, "content-length")) {
          return "Connection names Content-Length";
        }
        break;
      case 17:
        if (equalsIgnoreCase(value, start, end, "transfer-encoding")) {
          return "Connection names Transfer-Encoding";
        }
        break;
    }
    if (comma === value.length) return undefined;
    start = comma + 1;
  }
}
