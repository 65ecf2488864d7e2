/** Values shorter than this are not masked: "1" or "true" would blank out ordinary words. */
const MIN_SECRET_LENGTH = 4;

/** Encodings shorter than this are not masked (see `encodingsOf`). */
const MIN_ENCODED_LENGTH = 8;

/** What a secret value is replaced with (as BuildKit and GitHub Actions show masked values). */
export const REDACTED = "***";

/**
 * Pure: a masker that replaces every occurrence of the given secret values in a text with `***`,
 * as CI systems do with their secrets; the builder's log lines and errors and the deployment log
 * both pass through one. A multi-line value (a PEM key) shows up in logs line by line, so each of
 * its lines is masked too, and so are the encodings a build step is likely to print a value in:
 * base64 (standard and URL-safe, also inside a longer base64 text such as `user:secret`), hex
 * and URL encoding. Longest values first, so a value that contains another is masked whole.
 * Masking is a safety net, not a boundary: a build step can always print a value some other way.
 */
export function makeRedactor(secretValues: Iterable<string>): (text: string) => string {
  const values = [
    ...new Set(
      [...secretValues]
        .flatMap((value) => [value, ...value.split(/\r?\n/)])
        .filter((value) => value.length >= MIN_SECRET_LENGTH)
        .flatMap((value) => [value, ...encodingsOf(value)]),
    ),
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

/**
 * Pure: how a value looks base64-encoded at each of the three byte alignments it can have inside
 * a longer encoded text (only the characters that depend on the value alone), URL-safe too, and
 * hex- and URL-encoded.
 */
export function encodingsOf(value: string): string[] {
  const bytes = Buffer.from(value, "utf8");
  const encodings = [
    bytes.toString("base64"),
    bytes.toString("base64").replace(/=+$/, ""),
    bytes.toString("base64url"),
    bytes.toString("hex"),
    bytes.toString("hex").toUpperCase(),
  ];
  for (const offset of [0, 1, 2]) {
    const padded = Buffer.concat([Buffer.alloc(offset), bytes]);
    const text = padded.toString("base64").replace(/=+$/, "");
    // Characters that mix in bits of the bytes before the value, or of those after it.
    const leading = Math.ceil((offset * 8) / 6);
    const trailing = (padded.length * 8) % 6 === 0 ? 0 : 1;
    const core = text.slice(leading, text.length - trailing);
    encodings.push(core, core.replaceAll("+", "-").replaceAll("/", "_"));
  }
  const urlEncoded = encodeURIComponent(value);
  if (urlEncoded !== value) encodings.push(urlEncoded);
  // Short encodings (of short values) would also match unrelated base64 or hex in build output.
  return encodings.filter((encoded) => encoded.length >= MIN_ENCODED_LENGTH && encoded !== value);
}
