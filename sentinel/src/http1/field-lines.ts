// Field lines (RFC 9112 §5), strictly: `token ":" OWS value OWS CRLF`, nothing else. Shared by
// request heads, response heads and chunked trailer sections.
import { COLON, CR, FIELD_VALUE_BYTE, HTAB, LF, latin1, SP, TOKEN_BYTE } from "./byte-classes.js";

// Negative results of parseFieldLines; a non-negative result is an offset.
export const FIELDS_TOO_MANY = -1;
export const FIELDS_OBS_FOLD = -2;
export const FIELDS_INVALID_NAME = -3;
export const FIELDS_SPACE_BEFORE_COLON = -4;
export const FIELDS_INVALID_VALUE = -5;
export const FIELDS_BARE_CR = -6;
export const FIELDS_BARE_LF = -7;

const failureReasons = [
  "",
  "too many header fields",
  "obs-fold: a field line starts with whitespace",
  "invalid field name",
  "whitespace between field name and colon",
  "invalid character in field value",
  "CR not followed by LF",
  "LF not preceded by CR",
];

/** Why parseFieldLines failed, for an error's `reason`. */
export function fieldLinesFailureReason(failure: number): string {
  return failureReasons[-failure] ?? "invalid field line";
}

/**
 * Parses the field lines from `start` through the empty line that ends the section, appending
 * `name, value` pairs to `rawHeaders` (names as sent, values with OWS trimmed, latin1).
 * Returns the offset just past the empty line's CRLF, or a negative FIELDS_* failure.
 *
 * The caller guarantees the section is complete (it found the CRLFCRLF that ends it): the
 * byte loops then never need a bounds check, as any line that is malformed stops at its first
 * bad byte, and a well-formed one stops at its CR.
 */
export function parseFieldLines(
  buffer: Buffer,
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
    let valueEnd = pos;
    while (FIELD_VALUE_BYTE[byte] === 1) {
      pos++;
      if (byte !== SP && byte !== HTAB) valueEnd = pos;
      byte = buffer[pos]!;
    }
    if (byte !== CR) return byte === LF ? FIELDS_BARE_LF : FIELDS_INVALID_VALUE;
    if (buffer[pos + 1] !== LF) return FIELDS_BARE_CR;
    rawHeaders.push(latin1(buffer, nameStart, nameEnd), latin1(buffer, valueStart, valueEnd));
    pos += 2;
  }
}
