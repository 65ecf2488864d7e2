import { AppError } from "@slipway/shared";

/**
 * C0 control characters but tab, line feed and carriage return. PostgreSQL cannot store NUL in
 * text at all, and the others have no place in an id, a name, a setting or a value.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const controlCharacter = /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/;

const MAX_DEPTH = 64;

/** Pure: where the first control character in a JSON value is (`body.variables[2].value`), if any. */
export function findControlCharacter(
  value: unknown,
  location: string,
  depth = 0,
): string | undefined {
  if (typeof value === "string") return controlCharacter.test(value) ? location : undefined;
  if (depth > MAX_DEPTH || value === null || typeof value !== "object") return undefined;
  // An upload's bytes (a source tarball) are not text.
  if (ArrayBuffer.isView(value)) return undefined;
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      const found = findControlCharacter(value[index], `${location}[${index}]`, depth + 1);
      if (found) return found;
    }
    return undefined;
  }
  for (const [key, item] of Object.entries(value)) {
    if (controlCharacter.test(key)) return `${location} (a key)`;
    const found = findControlCharacter(item, `${location}.${key}`, depth + 1);
    if (found) return found;
  }
  return undefined;
}

/** The 400 for a request whose body or query holds a control character, naming where. */
export function refuseControlCharacters(request: { body?: unknown; query?: unknown }): void {
  const location =
    findControlCharacter(request.query, "query") ?? findControlCharacter(request.body, "body");
  if (!location) return;
  throw new AppError("bad_request", `${location} contains a control character.`, {
    errors: [
      {
        location,
        message: "must not contain control characters (U+0000–U+001F but tab and line breaks)",
      },
    ],
  });
}

/** Pure: a webhook payload with every NUL removed (GitHub relays them from commit messages). */
export function withoutNulCharacters(value: unknown, depth = 0): unknown {
  if (typeof value === "string") return value.replaceAll("\u0000", "");
  if (depth > MAX_DEPTH || value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((item) => withoutNulCharacters(item, depth + 1));
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [
      key.replaceAll("\u0000", ""),
      withoutNulCharacters(item, depth + 1),
    ]),
  );
}
