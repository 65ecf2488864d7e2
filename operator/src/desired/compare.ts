/**
 * True when every field of `desired` has the same value in `actual`. The apiserver adds
 * defaults (and status) to what was applied, so equality would never hold; containment does
 * exactly when an apply would change nothing. Arrays must match element by element.
 */
export function isContained(desired: unknown, actual: unknown): boolean {
  if (Array.isArray(desired)) {
    return (
      Array.isArray(actual) &&
      actual.length === desired.length &&
      desired.every((item, i) => isContained(item, actual[i]))
    );
  }
  if (desired !== null && typeof desired === "object") {
    if (actual === null || typeof actual !== "object" || Array.isArray(actual)) return false;
    const actualRecord = actual as Record<string, unknown>;
    return Object.entries(desired as Record<string, unknown>).every(
      ([key, value]) => value === undefined || isContained(value, actualRecord[key]),
    );
  }
  return desired === actual;
}

/** Deep equality that ignores object key order (the apiserver sorts keys) and undefined. */
export function deepEqual(a: unknown, b: unknown): boolean {
  return isContained(a, b) && isContained(b, a);
}

export const APPLIED_HASH_ANNOTATION = "slipway.dev/applied-hash";

/** JSON with sorted keys, so equal objects hash equally. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/** The first path where `actual` does not contain `desired`, for logs; undefined if none. */
export function firstDifference(desired: unknown, actual: unknown, path = ""): string | undefined {
  if (Array.isArray(desired)) {
    if (!Array.isArray(actual) || actual.length !== desired.length) return path || "/";
    for (let i = 0; i < desired.length; i++) {
      const found = firstDifference(desired[i], actual[i], `${path}/${i}`);
      if (found) return found;
    }
    return undefined;
  }
  if (desired !== null && typeof desired === "object") {
    if (actual === null || typeof actual !== "object") return path || "/";
    for (const [key, value] of Object.entries(desired as Record<string, unknown>)) {
      if (value === undefined) continue;
      const found = firstDifference(
        value,
        (actual as Record<string, unknown>)[key],
        `${path}/${key}`,
      );
      if (found) return found;
    }
    return undefined;
  }
  return desired === actual ? undefined : path;
}
