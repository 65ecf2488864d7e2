import { BlockList, isIP } from "node:net";

/** CIDRs (`10.0.0.0/8`, `2001:db8::/32`) or single addresses of proxies in front of Sentinel. */
export function parseTrustedProxies(entries: readonly string[]): BlockList {
  const list = new BlockList();
  for (const entry of entries) {
    const [address, prefixText] = entry.split("/");
    const family = isIP(address ?? "");
    if (!address || family === 0) throw new Error(`not an IP address or CIDR: ${entry}`);
    const type = family === 6 ? "ipv6" : "ipv4";
    if (prefixText === undefined) {
      list.addAddress(address, type);
      continue;
    }
    const prefix = Number(prefixText);
    if (!Number.isInteger(prefix) || prefix < 0 || prefix > (family === 6 ? 128 : 32)) {
      throw new Error(`bad prefix length in ${entry}`);
    }
    list.addSubnet(address, prefix, type);
  }
  return list;
}

/** `::ffff:10.0.0.1` → `10.0.0.1`, so one trusted-proxy entry covers both socket forms. */
export function canonicalIp(address: string): string {
  return address.startsWith("::ffff:") && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
}

// BlockList.check builds a SocketAddress per call, which showed in profiles of the request path.
// Answers are remembered per list (peers and proxies are few; the cache is bounded anyway).
const trustCache = new WeakMap<BlockList, Map<string, boolean>>();
const trustCacheMax = 4096;

export function isTrusted(trusted: BlockList, address: string): boolean {
  let cache = trustCache.get(trusted);
  if (!cache) {
    cache = new Map();
    trustCache.set(trusted, cache);
  }
  const known = cache.get(address);
  if (known !== undefined) return known;
  const family = isIP(address);
  const answer = family !== 0 && trusted.check(address, family === 6 ? "ipv6" : "ipv4");
  if (cache.size >= trustCacheMax) cache.clear();
  cache.set(address, answer);
  return answer;
}

/** The entries of every `X-Forwarded-For` line, in order. */
export function forwardedForEntries(lines: readonly string[] | undefined): string[] {
  const entries: string[] = [];
  for (const line of lines ?? []) {
    for (const part of line.split(",")) {
      const entry = part.trim();
      if (entry) entries.push(entry);
    }
  }
  return entries;
}

/**
 * The client's address: walk the chain `[...X-Forwarded-For, peer]` from the right and take
 * the first address that is not a trusted proxy. A client that sends its own X-Forwarded-For
 * only adds entries to the left of the first untrusted hop, which are never read.
 */
export function clientIp(
  peer: string,
  forwardedFor: readonly string[],
  trusted: BlockList,
): string {
  const chain = [...forwardedFor, canonicalIp(peer)];
  for (let i = chain.length - 1; i >= 0; i--) {
    const hop = canonicalIp(chain[i]!);
    if (!isTrusted(trusted, hop)) return isIP(hop) ? hop : canonicalIp(peer);
    if (i === 0) return hop;
  }
  return canonicalIp(peer);
}
