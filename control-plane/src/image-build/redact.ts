/** Values shorter than this are not masked: "1" or "true" would blank out half of every log. */
const MIN_SECRET_LENGTH = 4;

/**
 * Pure: a masker that replaces every occurrence of the given secret values in a line with
 * `[redacted]`, as CI systems do with their secrets. Longest values first, so a secret that
 * contains another is masked whole.
 */
export function makeRedactor(secretValues: Iterable<string>): (line: string) => string {
  const values = [...new Set(secretValues)]
    .filter((value) => value.length >= MIN_SECRET_LENGTH)
    .sort((a, b) => b.length - a.length);
  if (values.length === 0) return (line) => line;
  return (line) => {
    let masked = line;
    for (const value of values) {
      if (masked.includes(value)) masked = masked.split(value).join("[redacted]");
    }
    return masked;
  };
}
