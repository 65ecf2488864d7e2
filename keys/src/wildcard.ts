/**
 * Anchored `*` patterns (Unkey's override identifiers, granted permissions): `*` matches any run
 * of characters, everything else matches itself. Matching splits the pattern at its stars and
 * finds the literal pieces left to right with `indexOf` (leftmost is always a safe choice when
 * `*` is the only operator), so there is no backtracking: at worst pieces × subject length.
 */
export interface WildcardPattern {
  source: string;
  /** The literal pieces between stars; `pieces.length - 1` stars. */
  pieces: readonly string[];
  hasWildcard: boolean;
  /** Characters that are not `*`: how much of a subject the pattern pins down. */
  literalLength: number;
}

export function compileWildcard(source: string): WildcardPattern {
  const pieces = source.split("*");
  return {
    source,
    pieces,
    hasWildcard: pieces.length > 1,
    literalLength: source.length - (pieces.length - 1),
  };
}

export function wildcardMatches(pattern: WildcardPattern, subject: string): boolean {
  const { pieces } = pattern;
  if (pieces.length === 1) return subject === pattern.source;
  const first = pieces[0]!;
  const last = pieces[pieces.length - 1]!;
  if (subject.length < pattern.literalLength) return false;
  if (!subject.startsWith(first) || !subject.endsWith(last)) return false;
  let position = first.length;
  const end = subject.length - last.length;
  for (let i = 1; i < pieces.length - 1; i++) {
    const piece = pieces[i]!;
    if (piece === "") continue;
    const found = subject.indexOf(piece, position);
    if (found === -1 || found + piece.length > end) return false;
    position = found + piece.length;
  }
  return position <= end;
}
