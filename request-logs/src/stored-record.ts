import type { RequestLogRecord } from "@slipway/shared/gateway";

/** Headers (as JSON) and bodies are stored up to this many bytes each, as issue 14 says. */
export const storedCapBytes = 64 * 1024;
/** Short fields (host, path, user agent, ids) are bounded too: a record is never huge. */
const shortFieldBytes = 8 * 1024;

const redacted = "[REDACTED]";

/**
 * Header names whose values are never stored, whatever the record says. Sentinel already
 * redacts Authorization and every configured key location; this is the second line of
 * defence for the credentials any request may carry. (The shared value redactor does not fit
 * here: the store never knows the key values it would have to look for.)
 */
const alwaysRedactedHeaders = new Set([
  "authorization",
  "proxy-authorization",
  "cookie",
  "set-cookie",
]);

/** PostgreSQL text cannot hold NUL; a lossy UTF-8 body may contain one. */
function withoutNul(text: string): string {
  return text.includes("\u0000") ? text.replaceAll("\u0000", "\uFFFD") : text;
}

/** Cut to at most `maxBytes` of UTF-8, never inside a character. */
export function capUtf8(text: string, maxBytes: number): { text: string; cut: boolean } {
  if (text.length * 3 <= maxBytes) return { text: withoutNul(text), cut: false };
  const bytes = Buffer.from(text, "utf8");
  if (bytes.length <= maxBytes) return { text: withoutNul(text), cut: false };
  let end = maxBytes;
  // Step back over continuation bytes (10xxxxxx) to the start of the cut character.
  while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end--;
  return { text: withoutNul(bytes.subarray(0, end).toString("utf8")), cut: true };
}

const short = (text: string) => capUtf8(text, shortFieldBytes).text;
const optionalShort = (text: string | undefined) => (text === undefined ? null : short(text));

/** Headers as stored JSON: credentials redacted, whole entries kept until 64 KiB. */
export function storedHeaders(headers: Record<string, string[]> | undefined): string | null {
  if (!headers) return null;
  const kept: Record<string, string[]> = {};
  let size = 2;
  for (const [name, values] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    const safe = alwaysRedactedHeaders.has(lower)
      ? values.map(() => redacted)
      : values.map(withoutNul);
    const entrySize = Buffer.byteLength(JSON.stringify({ [lower]: safe })) - 1;
    if (size + entrySize > storedCapBytes) break;
    kept[lower] = safe;
    size += entrySize;
  }
  return JSON.stringify(kept);
}

function storedBody(
  body: string | undefined,
  truncated: boolean | undefined,
): { text: string | null; truncated: boolean | null } {
  if (body === undefined) return { text: null, truncated: null };
  const capped = capUtf8(body, storedCapBytes);
  return { text: capped.text, truncated: Boolean(truncated) || capped.cut };
}

/** Pure: one record as the columns the store writes, every field bounded and NUL-free. */
export function storedRecord(record: RequestLogRecord) {
  const requestBody = storedBody(record.requestBody, record.requestBodyTruncated);
  const responseBody = storedBody(record.responseBody, record.responseBodyTruncated);
  return {
    time: new Date(record.time).toISOString(),
    environmentId: optionalShort(record.environmentId),
    deploymentId: optionalShort(record.deploymentId),
    requestId: short(record.requestId),
    host: short(record.host),
    method: short(record.method),
    path: short(record.path),
    query: record.query === undefined ? null : capUtf8(record.query, storedCapBytes).text,
    status: Math.trunc(record.status),
    totalLatencyMs: record.totalLatencyMs,
    upstreamLatencyMs: record.upstreamLatencyMs,
    sentinelLatencyMs: record.sentinelLatencyMs,
    region: short(record.region),
    instance: optionalShort(record.instance),
    outcome: record.outcome,
    policyId: optionalShort(record.policyId),
    policyName: optionalShort(record.policyName),
    clientIp: short(record.clientIp),
    userAgent: optionalShort(record.userAgent),
    requestHeaders: storedHeaders(record.requestHeaders),
    responseHeaders: storedHeaders(record.responseHeaders),
    requestBody: requestBody.text,
    requestBodyTruncated: requestBody.truncated,
    responseBody: responseBody.text,
    responseBodyTruncated: responseBody.truncated,
  };
}

export type StoredRecord = ReturnType<typeof storedRecord>;
