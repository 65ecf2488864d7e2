/** Values shorter than this are not masked: "1" or "true" would blank out ordinary words. */
const MIN_SECRET_LENGTH = 4;

/** What a secret value is replaced with (as BuildKit and GitHub Actions show masked values). */
export const REDACTED = "***";

/**
 * Pure: a masker that replaces every occurrence of the given secret values in a text with `***`,
 * as CI systems do with their secrets; the builder's log lines and errors and the deployment log
 * both pass through one. A multi-line value (a PEM key) shows up in logs line by line, so each of
 * its lines is masked too. Longest values first, so a value that contains another is masked whole.
 */
export function makeRedactor(secretValues: Iterable<string>): (text: string) => string {
  const values = [
    ...new Set([...secretValues].flatMap((value) => [value, ...value.split(/\r?\n/)])),
  ]
    .filter((value) => value.length >= MIN_SECRET_LENGTH)
    .sort((a, b) => b.length - a.length);
  if (values.length === 0) return (text) => text;
  return (text) => {
    let masked = text;
    for (const value of values) {
      if (masked.includes(value)) masked = masked.split(value).join(REDACTED);
    }
    return masked;
  };
}
