// Byte classes of HTTP/1.1 (RFC 9110 §5.6.2, §5.5; RFC 9112 §3.2) as 256-entry tables, so the
// parsers decide each byte with one lookup instead of a regex per line.

export const HTAB = 0x09;
export const LF = 0x0a;
export const CR = 0x0d;
export const SP = 0x20;
export const COLON = 0x3a;

function byteTable(allowed: (byte: number) => boolean): Uint8Array {
  const table = new Uint8Array(256);
  for (let byte = 0; byte < 256; byte++) table[byte] = allowed(byte) ? 1 : 0;
  return table;
}

function isAlphaOrDigit(byte: number): boolean {
  return (
    (byte >= 0x30 && byte <= 0x39) ||
    (byte >= 0x41 && byte <= 0x5a) ||
    (byte >= 0x61 && byte <= 0x7a)
  );
}

/** tchar: what a method, a field name or a transfer coding is made of. */
export const TOKEN_BYTE = byteTable(
  (byte) => isAlphaOrDigit(byte) || "!#$%&'*+-.^_`|~".includes(String.fromCharCode(byte)),
);

/** field-vchar / SP / HTAB: VCHAR and obs-text (0x80–0xFF); never NUL, CR, LF, other CTLs, DEL. */
export const FIELD_VALUE_BYTE = byteTable((byte) => byte === HTAB || (byte >= SP && byte !== 0x7f));

/** What a request-target may contain: visible ASCII except `#` (a fragment is never sent). */
export const TARGET_BYTE = byteTable((byte) => byte > SP && byte < 0x7f && byte !== 0x23);

/**
 * A reg-name byte (RFC 3986 §3.2.2): unreserved, sub-delims, `%`. No `@` (userinfo), `/`, `?`,
 * `#`, `\`, `:` or spaces, so the host Sentinel routes by is the host the upstream sees.
 */
export const REG_NAME_BYTE = byteTable(
  (byte) => isAlphaOrDigit(byte) || "-._~!$&'()*+,;=%".includes(String.fromCharCode(byte)),
);

/** Inside an IP-literal's brackets: IPv6 (hex, `:`, `.`), IPvFuture, a zone's unreserved. */
export const IP_LITERAL_BYTE = byteTable(
  (byte) => isAlphaOrDigit(byte) || "-._~!$&'()*+,;=:%".includes(String.fromCharCode(byte)),
);

/** Hex digit → value, -1 for anything else. */
export const HEX_VALUE = (() => {
  const table = new Int8Array(256).fill(-1);
  for (let digit = 0; digit < 10; digit++) table[0x30 + digit] = digit;
  for (let letter = 0; letter < 6; letter++) {
    table[0x41 + letter] = 10 + letter;
    table[0x61 + letter] = 10 + letter;
  }
  return table;
})();

interface Latin1Slicer {
  latin1Slice(start: number, end: number): string;
}

/**
 * Bytes as a latin1 string (one char per byte, never UTF-8 decoding). Buffer's own
 * `latin1Slice` (untyped in @types/node, present in every Node release) skips the encoding
 * lookup and argument checks of `toString("latin1", start, end)`. Each call still crosses into
 * C++ (~80 ns), so a head is decoded once and its names and values are `slice`d from that
 * string, which stays in JavaScript.
 */
export function latin1(buffer: Buffer, start: number, end: number): string {
  return (buffer as unknown as Latin1Slicer).latin1Slice(start, end);
}

/** `text[start, end)` equals `lowerCaseLiteral` ignoring ASCII case (the literal is lower-case). */
export function equalsIgnoreCase(
  text: string,
  start: number,
  end: number,
  lowerCaseLiteral: string,
): boolean {
  if (end - start !== lowerCaseLiteral.length) return false;
  for (let i = 0; i < lowerCaseLiteral.length; i++) {
    const code = text.charCodeAt(start + i);
    const lower = code >= 0x41 && code <= 0x5a ? code | 0x20 : code;
    if (lower !== lowerCaseLiteral.charCodeAt(i)) return false;
  }
  return true;
}
