/**
 * `name` in lower case. Header names are ASCII and usually lower case already (HTTP/2 requires
 * it; most HTTP/1.1 clients send it): then the string itself comes back, with no call into
 * the locale-aware `toLowerCase` and no new string.
 */
export function lowerCaseName(name: string): string {
  for (let i = 0; i < name.length; i++) {
    const code = name.charCodeAt(i);
    if ((code >= 65 && code <= 90) || code > 127) return name.toLowerCase();
  }
  return name;
}

// Header maps inherit from an empty object that has no prototype: no name a client sends
// (`constructor`, `__proto__`) can reach Object.prototype, yet the maps stay in V8's fast
// mode, where `Object.create(null)` objects are dictionaries (slow to enumerate and read).
const headerMapPrototype: object = Object.freeze(Object.create(null));

/** `rawHeaders` (name, value, name, value…) as lower-case names with every value. */
export function distinctHeaders(rawHeaders: readonly string[]): Record<string, string[]> {
  const headers = Object.create(headerMapPrototype) as Record<string, string[]>;
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = lowerCaseName(rawHeaders[i]!);
    const value = rawHeaders[i + 1]!;
    const values = headers[name];
    if (values) values.push(value);
    else headers[name] = [value];
  }
  return headers;
}
