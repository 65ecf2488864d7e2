/**
 * Watch-path globs, compiled once and matched in time linear in the pattern and the path: no
 * regular expression and no backtracking beyond one resume point per star, so no pattern a
 * tenant can save makes matching slow. The language (documented in the README):
 * `/` separates segments; a `**` segment matches any number of segments (dot files included);
 * in a segment `*` matches any run of characters, `?` one, `[abc]` / `[a-z]` / `[!a]` one of a
 * class, `{a,b}` either alternative (expanded when compiled), `\` escapes the next character.
 */

/** Bounds checked when a pattern is saved: each keeps the work per changed file small. */
export const globLimits = {
  patternLength: 1024,
  /** Alternatives one pattern's braces expand to. */
  alternatives: 32,
  /** Alternatives all of an environment's patterns expand to together. */
  totalAlternatives: 256,
  segments: 64,
  globstars: 8,
} as const;

type Token =
  | { kind: "char"; char: string }
  | { kind: "any" }
  | { kind: "star" }
  | { kind: "class"; negated: boolean; ranges: Array<[string, string]> };

/** One segment of a compiled alternative: `**`, or the tokens of one path segment. */
type Segment = { kind: "globstar" } | { kind: "tokens"; tokens: Token[] };

export interface CompiledGlob {
  source: string;
  alternatives: Segment[][];
}

export class GlobError extends Error {
  override name = "GlobError";
}

/** Pure: `{a,b}c` → [`ac`, `bc`], nested braces included, refusing more than `limit`. */
export function expandBraces(pattern: string, limit: number = globLimits.alternatives): string[] {
  let open = -1;
  let depth = 0;
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i];
    if (char === "\\") {
      i++;
      continue;
    }
    if (char === "{") {
      if (depth === 0) open = i;
      depth++;
    } else if (char === "}" && depth > 0) {
      depth--;
      if (depth === 0) {
        const options = splitTopLevel(pattern.slice(open + 1, i));
        const rest = expandBraces(pattern.slice(i + 1), limit);
        const results: string[] = [];
        for (const option of options) {
          for (const expanded of expandBraces(option, limit)) {
            for (const tail of rest) {
              results.push(pattern.slice(0, open) + expanded + tail);
              if (results.length > limit) {
                throw new GlobError(`expands to more than ${limit} alternatives`);
              }
            }
          }
        }
        return results;
      }
    }
  }
  if (depth > 0) throw new GlobError("has a '{' that is never closed");
  return [pattern];
}

function splitTopLevel(body: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < body.length; i++) {
    const char = body[i];
    if (char === "\\") i++;
    else if (char === "{") depth++;
    else if (char === "}") depth--;
    else if (char === "," && depth === 0) {
      parts.push(body.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(body.slice(start));
  return parts;
}

function parseClass(segment: string, start: number): { token: Token; end: number } {
  let i = start + 1;
  const negated = segment[i] === "!" || segment[i] === "^";
  if (negated) i++;
  const ranges: Array<[string, string]> = [];
  let first = true;
  while (i < segment.length && (segment[i] !== "]" || first)) {
    first = false;
    let low = segment[i]!;
    if (low === "\\") low = segment[++i] ?? "\\";
    let high = low;
    if (segment[i + 1] === "-" && segment[i + 2] !== undefined && segment[i + 2] !== "]") {
      high = segment[i + 2] === "\\" ? (segment[i + 3] ?? "\\") : segment[i + 2]!;
      i += segment[i + 2] === "\\" ? 3 : 2;
      if (high < low) throw new GlobError(`has the empty range [${low}-${high}]`);
    }
    ranges.push([low, high]);
    i++;
  }
  if (i >= segment.length) throw new GlobError("has a '[' that is never closed");
  return { token: { kind: "class", negated, ranges }, end: i };
}

function parseSegment(segment: string): Segment {
  if (segment === "**") return { kind: "globstar" };
  const tokens: Token[] = [];
  for (let i = 0; i < segment.length; i++) {
    const char = segment[i]!;
    if (char === "\\") {
      if (i + 1 >= segment.length) throw new GlobError("ends with a lone '\\'");
      tokens.push({ kind: "char", char: segment[++i]! });
    } else if (char === "*") {
      // Consecutive stars match what one does.
      if (tokens.at(-1)?.kind !== "star") tokens.push({ kind: "star" });
    } else if (char === "?") tokens.push({ kind: "any" });
    else if (char === "[") {
      const parsed = parseClass(segment, i);
      tokens.push(parsed.token);
      i = parsed.end;
    } else tokens.push({ kind: "char", char });
  }
  return { kind: "tokens", tokens };
}

/** Pure: compiles one saved pattern, or throws a `GlobError` saying what is wrong with it. */
export function compileGlob(pattern: string): CompiledGlob {
  if (pattern.length === 0) throw new GlobError("is empty");
  if (pattern.length > globLimits.patternLength) {
    throw new GlobError(`is longer than ${globLimits.patternLength} characters`);
  }
  if (pattern.startsWith("!")) throw new GlobError("starts with '!': negation is not supported");
  if (/[@+!]\(/.test(pattern)) {
    throw new GlobError("uses an extended glob such as @(…) or +(…), which is not supported");
  }
  const alternatives = expandBraces(pattern).map((alternative) => {
    const segments = alternative.replace(/^\.\//, "").split("/").map(parseSegment);
    if (segments.length > globLimits.segments) {
      throw new GlobError(`has more than ${globLimits.segments} path segments`);
    }
    const globstars = segments.filter((segment) => segment.kind === "globstar").length;
    if (globstars > globLimits.globstars) {
      throw new GlobError(`has more than ${globLimits.globstars} '**' segments`);
    }
    return segments;
  });
  return { source: pattern, alternatives };
}

/** Pure: the saved patterns of one environment, compiled; a problem names the pattern. */
export function compileGlobs(patterns: readonly string[]): CompiledGlob[] {
  const compiled = patterns.map((pattern, index) => {
    try {
      return compileGlob(pattern);
    } catch (error) {
      if (!(error instanceof GlobError)) throw error;
      throw new GlobError(`watch path ${index + 1} (${JSON.stringify(pattern)}) ${error.message}`);
    }
  });
  const total = compiled.reduce((sum, glob) => sum + glob.alternatives.length, 0);
  if (total > globLimits.totalAlternatives) {
    throw new GlobError(
      `the watch paths expand to ${total} alternatives together; at most ${globLimits.totalAlternatives} are allowed`,
    );
  }
  return compiled;
}

const matchesToken = (token: Token, char: string): boolean => {
  switch (token.kind) {
    case "char":
      return token.char === char;
    case "any":
      return true;
    case "class": {
      const inside = token.ranges.some(([low, high]) => char >= low && char <= high);
      return inside !== token.negated;
    }
    case "star":
      return false;
  }
};

/**
 * The classic wildcard walk: on a mismatch, resume after the last star with one more unit
 * consumed by it. Each unit of the subject is consumed at most once per star resume, so the
 * walk is O(pattern × subject), never exponential. Shared by segments (units: characters) and
 * paths (units: segments, `**` as the star).
 */
function wildcardMatch<Unit, Part>(
  subject: readonly Unit[],
  parts: readonly Part[],
  isStar: (part: Part) => boolean,
  matchesUnit: (part: Part, unit: Unit) => boolean,
): boolean {
  let s = 0;
  let p = 0;
  let starAt = -1;
  let resumeAt = 0;
  while (s < subject.length) {
    const part = parts[p];
    if (part !== undefined && isStar(part)) {
      starAt = p++;
      resumeAt = s;
    } else if (part !== undefined && matchesUnit(part, subject[s]!)) {
      s++;
      p++;
    } else if (starAt >= 0) {
      p = starAt + 1;
      s = ++resumeAt;
    } else return false;
  }
  while (p < parts.length && isStar(parts[p]!)) p++;
  return p === parts.length;
}

const matchesSegment = (segment: Segment, pathSegment: string): boolean =>
  segment.kind === "tokens" &&
  wildcardMatch([...pathSegment], segment.tokens, (token) => token.kind === "star", matchesToken);

/** Pure: does a changed file's path match a compiled pattern? */
export function globMatches(glob: CompiledGlob, path: string): boolean {
  const pathSegments = path.split("/");
  return glob.alternatives.some((segments) =>
    wildcardMatch(pathSegments, segments, (segment) => segment.kind === "globstar", matchesSegment),
  );
}
