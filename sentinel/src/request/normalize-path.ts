/**
 * A request target split and normalised once, before routing and policies (house style:
 * "paths are decoded and normalised once"). Policies match `decoded`; the upstream gets
 * `forwarded`, the same path with only unreserved characters decoded, so what the app routes on
 * is what the policies saw: `/%61dmin`, `//admin` and `/x/../admin` all become `/admin`.
 */
export interface NormalizedTarget {
  /** Fully percent-decoded, dot segments removed, slashes merged: what matchers see. */
  decoded: string;
  /** Dot segments removed, slashes merged, reserved characters still percent-encoded. */
  forwarded: string;
  /** The raw query string without `?` ("" when none). */
  query: string;
}

export type TargetProblem =
  | "invalid_target"
  | "invalid_encoding"
  | "control_character"
  | "too_long";

export const maxPathLength = 8192;

const unreserved = /[A-Za-z0-9\-._~]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: the set being rejected
const controlCharacter = /[\u0000-\u001f\u007f]/;

export function normalizeTarget(target: string): NormalizedTarget | TargetProblem {
  if (target.length > maxPathLength) return "too_long";
  let pathAndQuery = target;
  if (!target.startsWith("/")) {
    // absolute-form (`http://host/path`) is allowed by RFC 9112 for requests to proxies.
    const match = /^https?:\/\/[^/?#]*(.*)$/i.exec(target);
    if (!match) return "invalid_target";
    pathAndQuery = match[1] || "/";
    if (!pathAndQuery.startsWith("/")) pathAndQuery = `/${pathAndQuery}`;
  }
  const hash = pathAndQuery.indexOf("#");
  if (hash >= 0) pathAndQuery = pathAndQuery.slice(0, hash);
  const questionMark = pathAndQuery.indexOf("?");
  const rawPath = questionMark >= 0 ? pathAndQuery.slice(0, questionMark) : pathAndQuery;
  const query = questionMark >= 0 ? pathAndQuery.slice(questionMark + 1) : "";
  if (controlCharacter.test(pathAndQuery)) return "control_character";
  // Most paths have nothing to decode and no empty or dot segment: already normal.
  if (!rawPath.includes("%") && !rawPath.includes("//") && !rawPath.includes("/.")) {
    return { decoded: rawPath, forwarded: rawPath, query };
  }

  const forwardedEncoded = decodeUnreserved(rawPath);
  if (forwardedEncoded === undefined) return "invalid_encoding";
  let decoded: string;
  try {
    decoded = decodeURIComponent(forwardedEncoded);
  } catch {
    return "invalid_encoding";
  }
  if (controlCharacter.test(decoded)) return "control_character";
  return {
    decoded: removeDotSegments(decoded),
    forwarded: removeDotSegments(forwardedEncoded),
    query,
  };
}

/** Decodes `%XX` of unreserved characters (RFC 3986 §6.2.2.2) and upper-cases the others. */
function decodeUnreserved(path: string): string | undefined {
  let out = "";
  for (let i = 0; i < path.length; i++) {
    const char = path[i]!;
    if (char !== "%") {
      out += char;
      continue;
    }
    const hex = path.slice(i + 1, i + 3);
    if (!/^[0-9A-Fa-f]{2}$/.test(hex)) return undefined;
    const decodedChar = String.fromCharCode(Number.parseInt(hex, 16));
    out += unreserved.test(decodedChar) ? decodedChar : `%${hex.toUpperCase()}`;
    i += 2;
  }
  return out;
}

/**
 * RFC 3986 §5.2.4 on a path whose empty segments are merged first (`//admin` is `/admin`), so
 * `..` cannot climb above the root and a trailing `.`/`..` leaves a trailing slash.
 */
export function removeDotSegments(path: string): string {
  const segments = path.split("/");
  const out: string[] = [];
  const last = segments.length - 1;
  for (let i = 1; i < segments.length; i++) {
    const segment = segments[i]!;
    if (segment === "..") {
      out.pop();
      if (i === last) out.push("");
    } else if (segment === ".") {
      if (i === last) out.push("");
    } else if (segment === "") {
      if (i === last) out.push("");
    } else {
      out.push(segment);
    }
  }
  return `/${out.join("/")}`;
}
