import { minimatch } from "minimatch";

/** Pure: every file a push touched, across all its commits, each once. */
export function changedFilesOf(
  commits: Array<{ added?: string[]; modified?: string[]; removed?: string[] }>,
): string[] {
  const files = new Set<string>();
  for (const commit of commits) {
    for (const file of [
      ...(commit.added ?? []),
      ...(commit.modified ?? []),
      ...(commit.removed ?? []),
    ])
      files.add(file);
  }
  return [...files].sort();
}

/** GitHub puts at most 20 commits in a push payload; past that (or none) the list may be partial. */
export const maxCommitsInPushPayload = 20;

export function pushFileListMayBeIncomplete(commitCount: number): boolean {
  return commitCount === 0 || commitCount >= maxCommitsInPushPayload;
}

export type WatchPathVerdict =
  | { matches: true; matched: string[] }
  | { matches: false; reason: string };

const sampleSize = 5;

/**
 * Pure: whether a change set touches the watch paths. No patterns means everything matches.
 * The skip reason names the patterns and a sample of the files, so a person sees why.
 */
export function matchWatchPaths(patterns: string[], changedFiles: string[]): WatchPathVerdict {
  if (patterns.length === 0) return { matches: true, matched: changedFiles };
  const matched = changedFiles.filter((file) =>
    patterns.some((pattern) => minimatch(file, pattern, { dot: true })),
  );
  if (matched.length > 0) return { matches: true, matched };
  const sample = changedFiles.slice(0, sampleSize).join(", ");
  const more =
    changedFiles.length > sampleSize ? ` and ${changedFiles.length - sampleSize} more` : "";
  const files = changedFiles.length === 0 ? "no files changed" : `changed: ${sample}${more}`;
  return {
    matches: false,
    reason: `No changed file matches the watch paths ${patterns.join(", ")} (${files}).`,
  };
}
