/**
 * Pure: the keys that appear on more than one row. Every conflicting row is flagged, not only
 * the later ones, so a person sees both sides of the conflict.
 */
export function duplicateKeys(rows: ReadonlyArray<{ key: string }>): Set<string> {
  const seen = new Set<string>();
  const duplicates = new Set<string>();
  for (const { key } of rows) {
    const normalised = key.trim();
    if (normalised === "") continue;
    if (seen.has(normalised)) duplicates.add(normalised);
    seen.add(normalised);
  }
  return duplicates;
}
