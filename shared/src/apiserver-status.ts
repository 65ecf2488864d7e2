/**
 * The `message` of an apiserver `Status` object (the body of every error answer), from the body
 * itself or from a text that quotes it, e.g. an error message or a condition that carries
 * `… -> HTTP 422 Invalid: {"kind":"Status",…,"message":"…"}`. Clients cut long bodies short, so
 * the JSON may be incomplete; the message comes before the details, so it is usually still there.
 * Undefined when there is none.
 */
export function apiserverStatusMessage(text: string): string | undefined {
  try {
    const parsed = JSON.parse(text) as { message?: unknown } | null;
    if (typeof parsed === "object" && parsed !== null) {
      return typeof parsed.message === "string" ? parsed.message : undefined;
    }
  } catch {
    // Not JSON, or cut short: look for the quoted message below.
  }
  const quoted = /"message":"((?:[^"\\]|\\.)*)"/.exec(text)?.[1];
  return quoted ? quoted.replace(/\\"/g, '"') : undefined;
}
