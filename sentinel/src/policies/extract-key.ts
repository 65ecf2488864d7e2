import { defaultKeyLocations, type KeyLocation } from "@slipway/shared/policy";
import type { RequestView } from "../request/request-view.js";

/** Where the key was found, so the forwarder can strip exactly that credential. */
export type KeySource = { kind: "header"; name: string } | { kind: "queryParam"; name: string };

export interface ExtractedKey {
  key: string;
  source: KeySource;
}

/** The first non-empty key from `locations`, tried in order (bearer when omitted). */
export function extractKey(
  locations: readonly KeyLocation[] | undefined,
  request: RequestView,
): ExtractedKey | undefined {
  for (const location of locations ?? defaultKeyLocations) {
    if (location.bearer) {
      for (const value of request.headers.authorization ?? []) {
        const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(value);
        if (match) return { key: match[1]!, source: { kind: "header", name: "authorization" } };
      }
    } else if (location.header) {
      const name = location.header.name.toLowerCase();
      const prefix = location.header.stripPrefix;
      for (const raw of request.headers[name] ?? []) {
        const value = raw.trim();
        const key = prefix && value.startsWith(prefix) ? value.slice(prefix.length).trim() : value;
        if (key) return { key, source: { kind: "header", name } };
      }
    } else if (location.queryParam) {
      const name = location.queryParam.name;
      const key = request.query.get(name)?.find((value) => value.length > 0);
      if (key) return { key, source: { kind: "queryParam", name } };
    }
  }
  return undefined;
}
