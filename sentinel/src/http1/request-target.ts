// The request-target's form (RFC 9112 §3.2) and the Host it must agree with.
import { IP_LITERAL_BYTE, REG_NAME_BYTE } from "./byte-classes.js";

export const TARGET_INVALID = -1;
/** `/path?query` */
export const TARGET_ORIGIN = 0;
/** `*`, for OPTIONS only */
export const TARGET_ASTERISK = 1;
/** `http://host/path`, `https://…` (scheme case-insensitive) */
export const TARGET_ABSOLUTE = 2;

/** The form of `target` (already checked to be visible ASCII), or TARGET_INVALID. */
export function targetForm(target: string): number {
  const first = target.charCodeAt(0);
  if (first === 0x2f /* / */) return TARGET_ORIGIN;
  if (first === 0x2a /* * */) return target.length === 1 ? TARGET_ASTERISK : TARGET_INVALID;
  return authorityStart(target) === -1 ? TARGET_INVALID : TARGET_ABSOLUTE;
}

/** Where the authority of an `http://` or `https://` target starts, or -1. */
function authorityStart(target: string): number {
  const lower = target.slice(0, 8).toLowerCase();
  if (lower.startsWith("http://")) return 7;
  if (lower === "https://") return 8;
  return -1;
}

/**
 * An absolute-form target's authority, if it is a valid host[:port] (no userinfo). A server
 * must route by this authority and ignore Host (RFC 9112 §3.2.2); Sentinel routes by Host, so
 * the request head only passes when both name the same host.
 */
export function absoluteFormAuthority(target: string): string | undefined {
  const start = authorityStart(target);
  let end = start;
  while (end < target.length) {
    const code = target.charCodeAt(end);
    if (code === 0x2f /* / */ || code === 0x3f /* ? */) break;
    end++;
  }
  const authority = target.slice(start, end);
  return authority.length > 0 && isValidHost(authority) ? authority : undefined;
}

/**
 * `uri-host [ ":" port ]` (RFC 9110 §7.2): a reg-name or IPv4 address, or an IP-literal in
 * brackets, then optionally `:` and digits. Empty is allowed (a target without authority).
 */
export function isValidHost(host: string): boolean {
  let pos = 0;
  if (host.charCodeAt(0) === 0x5b /* [ */) {
    pos = 1;
    while (pos < host.length && IP_LITERAL_BYTE[host.charCodeAt(pos)] === 1) pos++;
    if (pos === 1 || host.charCodeAt(pos) !== 0x5d /* ] */) return false;
    pos++;
  } else {
    while (pos < host.length && REG_NAME_BYTE[host.charCodeAt(pos)] === 1) pos++;
  }
  if (pos === host.length) return true;
  if (host.charCodeAt(pos) !== 0x3a /* : */) return false;
  for (pos++; pos < host.length; pos++) {
    const code = host.charCodeAt(pos);
    if (code < 0x30 || code > 0x39) return false;
  }
  return true;
}
