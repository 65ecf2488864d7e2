import type { BlockList } from "node:net";
import { canonicalIp, clientIp, forwardedForEntries, isTrusted } from "./client-ip.js";
import { lowerCaseName } from "./raw-headers.js";

/**
 * RFC 9110 §7.6.1 connection-specific fields, plus the non-standard ones proxies also drop.
 * A switch rather than a Set: every field of every request and response is checked, and a
 * Set hashes each (new) name string first.
 */
function isHopByHop(name: string): boolean {
  switch (name) {
    case "connection":
    case "keep-alive":
    case "proxy-connection":
    case "proxy-authenticate":
    case "proxy-authorization":
    case "te":
    case "trailer":
    case "transfer-encoding":
    case "upgrade":
    case "http2-settings":
      return true;
    default:
      return false;
  }
}

export const hopCountHeader = "x-slipway-hops";
export const principalHeader = "x-unkey-principal";
export const requestIdHeader = "x-request-id";

const noNames: ReadonlySet<string> = new Set();

/** Names listed in `Connection` are hop-by-hop too. */
function connectionListed(lines: readonly string[] | undefined): ReadonlySet<string> {
  if (!lines) return noNames;
  let listed: Set<string> | undefined;
  for (const line of lines) {
    const tokens = line.includes(",") ? line.split(",") : [line];
    for (const token of tokens) {
      const name = lowerCaseName(token.trim());
      // `keep-alive`, what most clients send, names a field that is dropped anyway.
      if (!name || isHopByHop(name)) continue;
      listed ??= new Set();
      listed.add(name);
    }
  }
  return listed ?? noNames;
}

export interface ForwardContext {
  peerIp: string;
  trustedProxies: BlockList;
  /** Whether the client connected to Sentinel over TLS. */
  tls: boolean;
  requestId: string;
  maxHops: number;
  /** Keep `Upgrade` / `Connection: upgrade` (a WebSocket handshake). */
  upgrade?: boolean;
}

/** A field set to `undefined` was removed after planning (a stripped credential): not sent. */
export type ForwardHeaders = Record<string, string | string[] | undefined>;

export interface ForwardPlan {
  headers: ForwardHeaders;
  clientIp: string;
  host: string;
}

/**
 * The headers the upstream receives, from the client's (`headersDistinct`: lower-case names,
 * every value). Pure: no I/O, no clock. Returns "loop" when the hop count is exhausted.
 */
export function forwardHeaders(
  incoming: Readonly<Record<string, readonly string[] | undefined>>,
  context: ForwardContext,
): ForwardPlan | "loop" {
  const hops = Number.parseInt(incoming[hopCountHeader]?.[0] ?? "0", 10);
  const hopCount = Number.isInteger(hops) && hops > 0 ? hops : 0;
  if (hopCount >= context.maxHops) return "loop";
  const listed = connectionListed(incoming.connection);
  const peer = canonicalIp(context.peerIp);
  const peerTrusted = isTrusted(context.trustedProxies, peer);
  const headers: ForwardHeaders = {};
  for (const name in incoming) {
    const values = incoming[name];
    if (!values || values.length === 0 || !forwarded(name, peerTrusted)) continue;
    if (listed.has(name)) continue;
    headers[name] = values.length === 1 ? values[0]! : [...values];
  }
  if (context.upgrade) {
    const upgrade = incoming.upgrade?.[0];
    if (upgrade) {
      headers.connection = "upgrade";
      headers.upgrade = upgrade;
    }
  }
  // gRPC needs `TE: trailers` to reach the upstream; no other TE value is forwarded.
  if (incoming.te?.some((line) => /(^|,)\s*trailers\s*(;|,|$)/i.test(line))) {
    headers.te = "trailers";
  }
  headers[hopCountHeader] = String(hopCount + 1);

  const forwardedFor = forwardedForEntries(incoming["x-forwarded-for"]);
  headers["x-forwarded-for"] =
    forwardedFor.length > 0 ? `${forwardedFor.join(", ")}, ${peer}` : peer;
  const host = lowerCaseName(incoming.host?.[0] ?? incoming[":authority"]?.[0] ?? "");
  if (!headers.host && host) headers.host = host;
  if (!(peerTrusted && headers["x-forwarded-host"])) headers["x-forwarded-host"] = host;
  const proto = headers["x-forwarded-proto"];
  if (!(peerTrusted && (proto === "http" || proto === "https"))) {
    headers["x-forwarded-proto"] = context.tls ? "https" : "http";
  }
  headers[requestIdHeader] = context.requestId;
  return {
    headers,
    clientIp:
      forwardedFor.length > 0
        ? clientIp(context.peerIp, forwardedFor, context.trustedProxies)
        : peer,
    host: stripPort(host),
  };
}

/** Whether a client's field passes to the upstream (before the `Connection`-listed check). */
function forwarded(name: string, peerTrusted: boolean): boolean {
  if (name.charCodeAt(0) === 58 /* ":" */) return false; // HTTP/2 pseudo-headers
  if (isHopByHop(name)) return false;
  // Node answers `Expect: 100-continue` itself; the upstream gets the body without asking.
  if (name === "expect") return false;
  if (name.startsWith("x-")) {
    if (name.startsWith("x-unkey-") || name.startsWith("x-slipway-")) return false;
    if (name === "x-forwarded-for" || name === requestIdHeader) return false;
    if (name.startsWith("x-forwarded-") && !peerTrusted) return false;
  }
  return true;
}

/** `example.com:8080` → `example.com`; `[::1]:80` → `[::1]`. */
export function stripPort(host: string): string {
  if (host.startsWith("[")) {
    const end = host.indexOf("]");
    return end > 0 ? host.slice(0, end + 1) : host;
  }
  const colon = host.indexOf(":");
  return colon >= 0 ? host.slice(0, colon) : host;
}

/**
 * Response headers for the client as a flat `[name, value, name, value…]` list (what
 * `writeHead` takes without building another object), from the upstream's flat list (names
 * lower-case, a repeated field once per value): hop-by-hop fields of the upstream's connection
 * and pseudo-headers removed.
 */
export function responseHeaders(upstream: readonly string[]): string[] {
  let listed: Set<string> | undefined;
  for (let i = 0; i + 1 < upstream.length; i += 2) {
    if (upstream[i] !== "connection") continue;
    listed ??= new Set();
    for (const name of connectionListed([upstream[i + 1]!])) listed.add(name);
  }
  const out: string[] = [];
  for (let i = 0; i + 1 < upstream.length; i += 2) {
    const name = upstream[i]!;
    if (name.charCodeAt(0) === 58 /* ":" */ || isHopByHop(name) || listed?.has(name)) continue;
    out.push(name, upstream[i + 1]!);
  }
  return out;
}
