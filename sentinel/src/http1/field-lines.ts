// Field lines (RFC 9112 §5), strictly: `token ":" OWS value OWS CRLF`, nothing else. Shared by
// request heads, response heads and chunked trailer sections.
import { COLON, CR, FIELD_VALUE_BYTE, HTAB, LF, SP, TOKEN_BYTE } from "./byte-classes.js";

// Negative results of parseFieldLines; a non-negative result is an offset.
export const FIELDS_TOO_MANY = -1;
export const FIELDS_OBS_FOLD = -2;
export const FIELDS_INVALID_NAME = -3;
export const FIELDS_SPACE_BEFORE_COLON = -4;
export const FIELDS_INVALID_VALUE = -5;
export const FIELDS_BARE_CR = -6;
export const FIELDS_BARE_LF = -7;
export const FIELDS_TRANSFER_ENCODING_HTAB = -8;

const failureReasons = [
  "",
  "too many header fields",
  "obs-fold: a field line starts with whitespace",
  "invalid field name",
  "whitespace between field name and colon",
  "invalid character in field value",
  "CR not followed by LF",
  "LF not preceded by CR",
  "HTAB after the Transfer-Encoding value",
];

function isOws(byte: number): boolean {
  return byte === SP || byte === HTAB;
}

const transferEncoding = "transfer-encoding";

/** The name bytes (tchar only, so `| 0x20` lowers letters and leaves `-` alone). */
function isTransferEncoding(buffer: Buffer, start: number, end: number): boolean {
  if (end - start !== transferEncoding.length) return false;
  for (let i = 0; i < transferEncoding.length; i++) {
    if ((buffer[start + i]! | 0x20) !== transferEncoding.charCodeAt(i)) return false;
  }
  return true;
}

/** Why parseFieldLines failed, for an error's `reason`. */
export function fieldLinesFailureReason(failure: number): string {
  return failureReasons[-failure] ?? "invalid field line";
}

/**
 * Parses the field lines from `start` through the empty line that ends the section, appending
 * `name, value` pairs to `rawHeaders` (names as sent, values with OWS trimmed). `text` is
 * `buffer` decoded as latin1 from offset 0 through at least the section's end: bytes are
 * checked in the buffer, strings are sliced from the text.
 * Returns the offset just past the empty line's CRLF, or a negative FIELDS_* failure.
 *
 * The caller guarantees the section is complete (it found the CRLFCRLF that ends it): the
 * byte loops then never need a bounds check, as any line that is malformed stops at its first
 * bad byte, and a well-formed one stops at its CR.
 */
export function parseFieldLines(
  buffer: Buffer,
  text: string,
  start: number,
  rawHeaders: string[],
  maxFields: number,
): number {
  let pos = start;
  let fields = 0;
  for (;;) {
    let byte = buffer[pos]!;
    if (byte === CR) return buffer[pos + 1] === LF ? pos + 2 : FIELDS_BARE_CR;
    if (byte === SP || byte === HTAB) return FIELDS_OBS_FOLD;
    if (byte === LF) return FIELDS_BARE_LF;
    if (++fields > maxFields) return FIELDS_TOO_MANY;

    const nameStart = pos;
    while (TOKEN_BYTE[byte] === 1) byte = buffer[++pos]!;
    if (byte !== COLON) {
      if (byte === SP || byte === HTAB) return FIELDS_SPACE_BEFORE_COLON;
      return byte === LF ? FIELDS_BARE_LF : FIELDS_INVALID_NAME;
    }
    if (pos === nameStart) return FIELDS_INVALID_NAME;
    const nameEnd = pos;

    byte = buffer[++pos]!;
    while (byte === SP || byte === HTAB) byte = buffer[++pos]!;
    const valueStart = pos;
    while (FIELD_VALUE_BYTE[byte] === 1) byte = buffer[++pos]!;
    if (byte !== CR) return byte === LF ? FIELDS_BARE_LF : FIELDS_INVALID_VALUE;
    if (buffer[pos + 1] !== LF) return FIELDS_BARE_CR;
    let valueEnd = pos;
    let trimmedHtab = false;
    while (valueEnd > valueStart && isOws(buffer[valueEnd - 1]!)) {
      if (buffer[--valueEnd] === HTAB) trimmedHtab = true;
    }
    // RFC 9110 trims it as OWS, but llhttp (node:http, so most apps behind Sentinel and many
    // clients in front) reads `chunked<HTAB>` as not chunked: a request it refuses, a response
    // it reads until close. Two readings of one body; refused here.
    if (trimmedHtab && isTransferEncoding(buffer, nameStart, nameEnd)) {
      return FIELDS_TRANSFER_ENCODING_HTAB;
    }
    rawHeaders.push(text.slice(nameStart, nameEnd), text.slice(valueStart, valueEnd));
    pos += 2;
  }
}
