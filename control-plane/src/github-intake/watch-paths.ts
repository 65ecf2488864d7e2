import { type CompiledGlob, globMatches } from "@slipway/shared";

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
/** The longest the matching runs before it lets other work (API requests) have the loop. */
const SLICE_MS = 4;

const pauseForOthers = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Whether a change set touches the watch paths (compiled once per delivery). No patterns means
 * everything matches. The work is cut into slices of a few milliseconds with a pause between
 * them, so a push touching thousands of files never keeps the event loop (and the API sharing
 * it) from other requests; one file against every pattern is bounded by the limits checked on
 * write (`globLimits`).
 * The skip reason names the patterns and a sample of the files, so a person sees why.
 */
export async function matchWatchPaths(
  globs: readonly CompiledGlob[],
  changedFiles: readonly string[],
  pause: () => Promise<void> = pauseForOthers,
): Promise<WatchPathVerdict> {
  if (globs.length === 0) return { matches: true, matched: [...changedFiles] };
  const matched: string[] = [];
  let sliceStarted = performance.now();
  for (const file of changedFiles) {
    if (performance.now() - sliceStarted > SLICE_MS) {
      await pause();
      sliceStarted = performance.now();
    }
    if (globs.some((glob) => globMatches(glob, file))) matched.push(file);
  }
  if (matched.length > 0) return { matches: true, matched };
  const sample = changedFiles.slice(0, sampleSize).join(", ");
  const more =
    changedFiles.length > sampleSize ? ` and ${changedFiles.length - sampleSize} more` : "";
  const files = changedFiles.length === 0 ? "no files changed" : `changed: ${sample}${more}`;
  const patterns = globs.map((glob) => glob.source).join(", ");
  return {
    matches: false,
    reason: `No changed file matches the watch paths ${patterns} (${files}).`,
  };
}
