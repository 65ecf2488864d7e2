import { compileWildcard, type WildcardPattern, wildcardMatches } from "./wildcard.js";

export interface RatelimitOverrideRule {
  id: string;
  /** An identifier, or a pattern where `*` matches any run of characters. */
  identifier: string;
  limit: number;
  duration: number;
}

/** Overrides of one namespace, compiled once and matched many times. */
export interface OverrideTable {
  exact: ReadonlyMap<string, RatelimitOverrideRule>;
  /** Wildcard rules, most specific first. */
  wildcards: ReadonlyArray<{ rule: RatelimitOverrideRule; pattern: WildcardPattern }>;
}

/** Overrides bound their patterns: Unkey's identifier limit, and a bounded number of stars. */
export const overrideIdentifierMaxLength = 255;

/**
 * An exact identifier beats every pattern. Among patterns the most specific wins: more literal
 * characters first, then fewer stars, then the pattern and id in code-point order, so two
 * processes (or two requests) always pick the same rule whatever order the rows came in.
 * Unkey picks whichever was stored first.
 */
export function compileOverrides(rules: Iterable<RatelimitOverrideRule>): OverrideTable {
  const exact = new Map<string, RatelimitOverrideRule>();
  const wildcards: Array<{ rule: RatelimitOverrideRule; pattern: WildcardPattern }> = [];
  for (const rule of rules) {
    const pattern = compileWildcard(rule.identifier);
    if (pattern.hasWildcard) wildcards.push({ rule, pattern });
    else exact.set(rule.identifier, rule);
  }
  wildcards.sort(
    (a, b) =>
      b.pattern.literalLength - a.pattern.literalLength ||
      a.pattern.pieces.length - b.pattern.pieces.length ||
      compareCodePoints(a.rule.identifier, b.rule.identifier) ||
      compareCodePoints(a.rule.id, b.rule.id),
  );
  return { exact, wildcards };
}

export function matchOverride(
  table: OverrideTable,
  identifier: string,
): RatelimitOverrideRule | undefined {
  const exact = table.exact.get(identifier);
  if (exact) return exact;
  for (const { rule, pattern } of table.wildcards) {
    if (wildcardMatches(pattern, identifier)) return rule;
  }
  return undefined;
}

function compareCodePoints(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
