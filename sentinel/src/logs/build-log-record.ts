import type { RequestLogRecord } from "@slipway/shared/gateway";
import type { LoggingPolicy } from "@slipway/shared/policy";
import { distinctHeaders, lowerCaseName } from "../request/raw-headers.js";
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
  instance?: string | undefined;
  deploymentId?: string | undefined;
  environmentId?: string | undefined;
  outcome: RequestLogRecord["outcome"];
  policy?: { id: string; name: string } | undefined;
  clientIp: string;
  userAgent?: string | undefined;
  logging: LoggingPolicy;
  /** Lower-case header names and query names that carry keys. */
  redact: { headers: ReadonlySet<string>; queryParams: ReadonlySet<string> };
  /** Read only when the logging policy asks for them (undefined otherwise). */
  requestHeaders?: CapturableHeaders | undefined;
  responseHeaders?: CapturableHeaders | undefined;
  requestBody?: BodyCapture | undefined;
  responseBody?: BodyCapture | undefined;
}

/**
 * Headers as a request has them: by name (any case), or the flat `[name, value, …]` list a
 * socket delivers (`rawHeaders`, the upstream's response), which is kept as is until the record
 * is built.
 */
export type CapturableHeaders =
  | Readonly<Record<string, string | number | readonly string[] | undefined>>
  | readonly string[];

const responseRedactNames: ReadonlySet<string> = new Set(["set-cookie"]);

/** Headers as stored: key locations redacted, at most 64 KiB of names and values in all. */
export function captureHeaders(
  captured: CapturableHeaders,
  redactNames: ReadonlySet<string>,
): Record<string, string[]> {
  const headers = isFlat(captured) ? distinctHeaders(captured) : captured;
  const out: Record<string, string[]> = {};
  let size = 0;
  for (const name in headers) {
    const raw = headers[name];
    if (raw === undefined || name.charCodeAt(0) === 58 /* ":" */) continue;
    const lower = lowerCaseName(name);
    let values: string[];
    if (redactNames.has(lower)) {
      values = Array.isArray(raw) ? raw.map(() => redacted) : [redacted];
    } else {
      // The request's own lists are kept as they are: nothing changes them after the request.
      values = Array.isArray(raw) ? (raw as string[]) : [String(raw)];
    }
    size += lower.length;
    for (const value of values) size += value.length;
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
  if (logging.requestHeaders && facts.requestHeaders) {
    record.requestHeaders = captureHeaders(facts.requestHeaders, facts.redact.headers);
  }
  if (logging.responseHeaders && facts.responseHeaders) {
    record.responseHeaders = captureHeaders(facts.responseHeaders, responseRedactNames);
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

const isFlat = (headers: CapturableHeaders): headers is readonly string[] => Array.isArray(headers);

const round = (ms: number) => Math.round(ms * 1000) / 1000;
