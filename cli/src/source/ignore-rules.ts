import ignore, { type Ignore } from "ignore";

/** One folder's `.gitignore`, or the tree's `.dockerignore` (which always applies at the root). */
interface RuleSet {
  /** Folder the patterns are relative to, POSIX, `""` for the root. */
  base: string;
  matcher: Ignore;
}

/** The rules a tree's files are filtered by, root first; a deeper set overrides a shallower one. */
export type IgnoreRules = readonly RuleSet[];

/** Never uploaded, whatever the ignore files say: git's own folder. */
const alwaysIgnored = ignore().add([".git"]);

/**
 * Pure: `.dockerignore` patterns in `ignore`'s gitignore syntax. Docker anchors every pattern at
 * the context root (`*.log` is `./*.log` only, unlike git) and cleans a leading `/` or `./`; a
 * leading `/` makes gitignore anchor too, so the same files are left out as `docker build` would.
 */
export function dockerignoreAsGitignore(text: string): string[] {
  const patterns: string[] = [];
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (!line || line.startsWith("#")) continue;
    const negated = line.startsWith("!");
    const pattern = (negated ? line.slice(1).trim() : line).replace(/^(\.?\/)+/, "");
    if (!pattern || pattern === ".") continue;
    patterns.push(`${negated ? "!" : ""}/${pattern}`);
  }
  return patterns;
}

export function gitignoreRuleSet(base: string, text: string): RuleSet {
  return { base, matcher: ignore().add(text) };
}

export function dockerignoreRuleSet(text: string): RuleSet {
  return { base: "", matcher: ignore().add(dockerignoreAsGitignore(text)) };
}

/**
 * Pure: is this path (POSIX, relative to the tree's root; folders with a trailing `/`) left out?
 * Each rule set that lies above the path has its say, root first, and the deepest verdict wins,
 * as git lets a folder's `.gitignore` re-include what its parent's excluded.
 */
export function isIgnored(rules: IgnoreRules, path: string): boolean {
  if (alwaysIgnored.ignores(path)) return true;
  let ignored = false;
  for (const { base, matcher } of rules) {
    if (base && !path.startsWith(`${base}/`)) continue;
    const relative = base ? path.slice(base.length + 1) : path;
    if (!relative) continue;
    const verdict = matcher.test(relative);
    if (verdict.ignored) ignored = true;
    else if (verdict.unignored) ignored = false;
  }
  return ignored;
}
