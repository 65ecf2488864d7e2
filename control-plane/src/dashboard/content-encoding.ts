export type ContentEncoding = "br" | "gzip" | "identity";

/**
 * Pure: the encoding to answer with, given the request's `Accept-Encoding` and the encodings a
 * file has: brotli before gzip before none, honouring `q=0` (refused) and `*`.
 */
export function chooseEncoding(
  acceptEncoding: string | undefined,
  available: ReadonlySet<ContentEncoding>,
): ContentEncoding {
  if (!acceptEncoding) return "identity";
  const weights = new Map<string, number>();
  for (const part of acceptEncoding.slice(0, 1024).split(",")) {
    const [name, ...parameters] = part.trim().toLowerCase().split(";");
    if (!name) continue;
    const q = parameters.map((p) => p.trim()).find((p) => p.startsWith("q="));
    const weight = q ? Number(q.slice(2)) : 1;
    weights.set(name, Number.isFinite(weight) ? weight : 0);
  }
  const weightOf = (encoding: string) => weights.get(encoding) ?? weights.get("*") ?? 0;
  for (const encoding of ["br", "gzip"] as const) {
    if (available.has(encoding) && weightOf(encoding) > 0) return encoding;
  }
  return "identity";
}
