/** The parts of a request that matchers and identifiers read; built once per request. */
export interface RequestView {
  method: string;
  /** Normalised and decoded (see normalize-path.ts). */
  path: string;
  /** Lower-case names; every value of a repeated name, in order. */
  headers: Readonly<Record<string, readonly string[] | undefined>>;
  /** Decoded names and values; every value of a repeated name, in order. */
  query: ReadonlyMap<string, readonly string[]>;
  clientIp: string;
}

export const maxQueryParameters = 512;

/** `a=1&a=2&b` → { a: ["1", "2"], b: [""] }; past 512 parameters the rest is ignored. */
export function parseQuery(query: string): Map<string, string[]> {
  const params = new Map<string, string[]>();
  if (!query) return params;
  let count = 0;
  for (const [name, value] of new URLSearchParams(query)) {
    if (++count > maxQueryParameters) break;
    const values = params.get(name);
    if (values) values.push(value);
    else params.set(name, [value]);
  }
  return params;
}
