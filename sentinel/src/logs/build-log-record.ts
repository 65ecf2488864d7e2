import type { RequestLogRecord } from "@slipway/shared/gateway";
import type { LoggingPolicy } from "@slipway/shared/policy";
import type { BodyCapture } from "./body-capture.js";
import { captureLimitBytes } from "./body-capture.js";

export const redacted = "[REDACTED]";

export interface RequestFacts {
  time: number;
  requestId: string;
  host: string;
  method: string;
  path: string;
  rawQuery: string;
  status: number;
  totalLatencyMs: number;
  upstreamLatencyMs: number;
  region: string;
  instance?: string;
  deploymentId?: string;
  environmentId?: string;
  outcome: RequestLogRecord["outcome"];
  policy?: { id: string; name: string };
  clientIp: string;
  userAgent?: string;
  logging: LoggingPolicy;
  /** Lower-case header names and query names that carry keys. */
  redact: { headers: ReadonlySet<string>; queryParams: ReadonlySet<string> };
  requestHeaders: Readonly<Record<string, readonly string[] | undefined>>;
  responseHeaders: Readonly<Record<string, string | string[] | number | undefined>>;
  requestBody?: BodyCapture;
  responseBody?: BodyCapture;
}

/** Headers as stored: key locations redacted, at most 64 KiB of names and values in all. */
export function captureHeaders(
  headers: Readonly<Record<string, string | number | readonly string[] | undefined>>,
  redactNames: ReadonlySet<string>,
): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  let size = 0;
  for (const [name, raw] of Object.entries(headers)) {
    if (raw === undefined || name.startsWith(":")) continue;
    const lower = name.toLowerCase();
    const values = (Array.isArray(raw) ? raw : [String(raw)]).map((value) =>
      redactNames.has(lower) ? redacted : value,
    );
    size += lower.length + values.reduce((sum, value) => sum + value.length, 0);
    if (size > captureLimitBytes) break;
    out[lower] = values;
  }
  return out;
}

/** The query string with the values of key-carrying parameters replaced. */
export function redactQuery(query: string, names: ReadonlySet<string>): string {
  if (!query || names.size === 0) return query.slice(0, captureLimitBytes);
  return query
    .split("&")
    .map((pair) => {
      const equals = pair.indexOf("=");
      const rawName = equals >= 0 ? pair.slice(0, equals) : pair;
      let name = rawName;
      try {
        name = decodeURIComponent(rawName.replace(/\+/g, " "));
      } catch {
        // an undecodable name is kept as sent
      }
      return names.has(name) ? `${rawName}=${redacted}` : pair;
    })
    .join("&")
    .slice(0, captureLimitBytes);
}

/** One log record from what the request did. Pure: same facts, same record. */
export function buildLogRecord(facts: RequestFacts): RequestLogRecord {
  const record: RequestLogRecord = {
    time: facts.time,
    requestId: facts.requestId,
    host: facts.host,
    method: facts.method,
    path: facts.path,
    status: facts.status,
    totalLatencyMs: round(facts.totalLatencyMs),
    upstreamLatencyMs: round(facts.upstreamLatencyMs),
    sentinelLatencyMs: round(Math.max(0, facts.totalLatencyMs - facts.upstreamLatencyMs)),
    region: facts.region,
    outcome: facts.outcome,
    clientIp: facts.clientIp,
  };
  if (facts.instance) record.instance = facts.instance;
  if (facts.deploymentId) record.deploymentId = facts.deploymentId;
  if (facts.environmentId) record.environmentId = facts.environmentId;
  if (facts.policy) {
    record.policyId = facts.policy.id;
    record.policyName = facts.policy.name;
  }
  if (facts.userAgent) record.userAgent = facts.userAgent.slice(0, 1024);
  const { logging } = facts;
  if (logging.query && facts.rawQuery) {
    record.query = redactQuery(facts.rawQuery, facts.redact.queryParams);
  }
  if (logging.requestHeaders) {
    record.requestHeaders = captureHeaders(facts.requestHeaders, facts.redact.headers);
  }
  if (logging.responseHeaders) {
    record.responseHeaders = captureHeaders(facts.responseHeaders, new Set(["set-cookie"]));
  }
  if (logging.requestBody && facts.requestBody) {
    record.requestBody = facts.requestBody.text();
    record.requestBodyTruncated = facts.requestBody.truncated;
  }
  if (logging.responseBody && facts.responseBody) {
    record.responseBody = facts.responseBody.text();
    record.responseBodyTruncated = facts.responseBody.truncated;
  }
  return record;
}

const round = (ms: number) => Math.round(ms * 1000) / 1000;
