// The request-target's form (RFC 9112 §3.2) and the Host it must agree with.
import { HOST_BYTE } from "./byte-classes.js";

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
 * An absolute-form target's authority, if it is a valid host[:port] without userinfo. A server
 * must route by this authority and ignore Host (RFC 9112 §3.2.2); Sentinel routes by Host, so
 * the request head only passes when both name the same host.
 */
export function absoluteFormAuthority(target: string): string | undefined {
  const start = authorityStart(target);
  let end = start;
  while (end < target.length) {
    const code = target.charCodeAt(end);
    if (code === 0x2f /* / */ || code === 0x3f /* ? */) break;
    if (HOST_BYTE[code] !== 1) return undefined;
    end++;
  }
  return end === start ? undefined : target.slice(start, end);
}

/** A Host value made only of host[:port] characters (empty is allowed by RFC 9110 §7.2). */
export function isValidHost(host: string): boolean {
  for (let i = 0; i < host.length; i++) {
    if (HOST_BYTE[host.charCodeAt(i)] !== 1) return false;
  }
  return true;
}
