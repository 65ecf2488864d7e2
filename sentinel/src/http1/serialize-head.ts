// Writing a head: one latin1 string for one socket write. Every piece is checked first, since
// a CR or LF smuggled into a value (or a char above U+00FF, which latin1 truncates to its low
// byte: U+010A would go out as LF) would let a field split the head.
import { FIELD_VALUE_BYTE, HTAB, SP, TARGET_BYTE, TOKEN_BYTE } from "./byte-classes.js";

function assertToken(text: string, what: string): void {
  if (text.length === 0) throw new Error(`empty ${what}`);
  for (let i = 0; i < text.length; i++) {
    if (TOKEN_BYTE[text.charCodeAt(i)] !== 1)
      throw new Error(`invalid ${what}: ${JSON.stringify(text)}`);
  }
}

/** HTAB, SP, VCHAR and obs-text only: the same rule the parsers apply to received values. */
function assertFieldValue(value: string, what: string): void {
  for (let i = 0; i < value.length; i++) {
    if (FIELD_VALUE_BYTE[value.charCodeAt(i)] !== 1) {
      throw new Error(`invalid ${what}: ${JSON.stringify(value)}`);
    }
  }
}

function fieldLines(rawHeaders: readonly string[]): string {
  if (rawHeaders.length % 2 !== 0) throw new Error("rawHeaders must hold name, value pairs");
  let lines = "";
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!;
    const value = rawHeaders[i + 1]!;
    assertToken(name, "field name");
    assertFieldValue(value, `value of ${name}`);
    // Leading or trailing whitespace would be trimmed by the recipient anyway; refusing it
    // keeps what is written identical to what is read back.
    const first = value.charCodeAt(0);
    const last = value.charCodeAt(value.length - 1);
    if (first === SP || first === HTAB || last === SP || last === HTAB) {
      throw new Error(`value of ${name} has leading or trailing whitespace`);
    }
    lines += `${name}: ${value}\r\n`;
  }
  return `${lines}\r\n`;
}

/** `method SP target SP HTTP/1.1 CRLF`, the fields, the empty line. */
export function serializeRequestHead(
  method: string,
  target: string,
  rawHeaders: readonly string[],
): string {
  assertToken(method, "method");
  if (target.length === 0) throw new Error("empty request-target");
  for (let i = 0; i < target.length; i++) {
    if (TARGET_BYTE[target.charCodeAt(i)] !== 1) {
      throw new Error(`invalid request-target: ${JSON.stringify(target)}`);
    }
  }
  return `${method} ${target} HTTP/1.1\r\n${fieldLines(rawHeaders)}`;
}

/** `HTTP/1.1 SP status SP reason CRLF`, the fields, the empty line. */
export function serializeResponseHead(
  status: number,
  reason: string,
  rawHeaders: readonly string[],
): string {
  if (!Number.isInteger(status) || status < 100 || status > 599) {
    throw new Error(`invalid status code: ${status}`);
  }
  assertFieldValue(reason, "reason phrase");
  return `HTTP/1.1 ${status} ${reason}\r\n${fieldLines(rawHeaders)}`;
}
