// How big a head may be, and finding where it ends without waiting past that size.
import { CR, LF } from "./byte-classes.js";

export interface HeadLimits {
  /** Bytes from the first byte of the buffer through the CRLFCRLF; default 16 KiB (Node's). */
  maxHeadBytes?: number;
  /** Header fields; default 100. */
  maxHeaders?: number;
}

export const DEFAULT_MAX_HEAD_BYTES = 16 * 1024;
export const DEFAULT_MAX_HEADERS = 100;

export interface HeadIncomplete {
  readonly kind: "incomplete";
}

/** One shared object: "wait for more bytes" allocates nothing. */
export const HEAD_INCOMPLETE: HeadIncomplete = Object.freeze({ kind: "incomplete" });

// Negative results of locateHeadEnd.
export const HEAD_NOT_YET = -1;
export const HEAD_TOO_LARGE = -2;
export const HEAD_BARE_LF = -3;
export const HEAD_TOO_MANY_FIELDS = -4;

/**
 * While a head is incomplete, its start-line is checked early (a TLS or SSH client, a wrong
 * version: answered at once) only when it ends within this many bytes, so a client that sends
 * a long line and then its fields a byte at a time does not get that line re-parsed per byte.
 */
export const EARLY_LINE_CHECK_BYTES = 1024;

const CRLFCRLF = Buffer.from("\r\n\r\n", "latin1");

/**
 * An offset through which a complete head lies, or a negative HEAD_* result: not there yet,
 * cannot fit in `maxHeadBytes` any more, a bare LF already received (no later bytes can make
 * that head valid, so it fails now rather than at the limit), or more than `maxHeaders` field
 * lines already received (which also bounds this scan to maxHeaders + 2 `indexOf` calls).
 *
 * The offset is the end of the first CRLFCRLF, or simply the buffer's end when the buffer ends
 * in CRLFCRLF (the usual case: a request without a body, alone in its packet), which skips a
 * native search; the field-line parser then finds the empty line itself. Native `indexOf` does
 * any scanning, so a client sending its head a byte at a time costs a memchr over what it
 * sent per call, not a JavaScript loop.
 */
export function locateHeadEnd(
  buffer: Buffer,
  start: number,
  maxHeadBytes: number,
  maxHeaders: number,
): number {
  const length = buffer.length;
  if (
    length <= maxHeadBytes &&
    length - start >= 4 &&
    buffer[length - 1] === LF &&
    buffer[length - 2] === CR &&
    buffer[length - 3] === LF &&
    buffer[length - 4] === CR
  ) {
    return length;
  }
  const searched = length > maxHeadBytes ? buffer.subarray(0, maxHeadBytes) : buffer;
  const found = searched.indexOf(CRLFCRLF, start);
  if (found !== -1) return found + 4;
  if (length >= maxHeadBytes) return HEAD_TOO_LARGE;
  // Every complete line so far is the start-line or a field line (an empty one would have
  // ended the head).
  let lines = 0;
  for (let lf = buffer.indexOf(LF, start); lf !== -1; lf = buffer.indexOf(LF, lf + 1)) {
    if (lf === start || buffer[lf - 1] !== CR) return HEAD_BARE_LF;
    if (++lines > maxHeaders + 1) return HEAD_TOO_MANY_FIELDS;
  }
  return HEAD_NOT_YET;
}
