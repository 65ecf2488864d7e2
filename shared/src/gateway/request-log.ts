/** One request as Sentinel logs it, allowed or denied. */
export interface RequestLogRecord {
  time: number;
  requestId: string;
  host: string;
  method: string;
  path: string;
  /** Only when a logging policy asks for query data; key locations redacted. */
  query?: string;
  status: number;
  /** Milliseconds: whole request, time waiting on the upstream, and Sentinel's own share. */
  totalLatencyMs: number;
  upstreamLatencyMs: number;
  sentinelLatencyMs: number;
  region: string;
  instance?: string;
  deploymentId?: string;
  environmentId?: string;
  /** `allowed`, `denied` by a policy, or `error` when Sentinel could not forward. */
  outcome: "allowed" | "denied" | "error";
  policyId?: string;
  policyName?: string;
  clientIp: string;
  userAgent?: string;
  requestHeaders?: Record<string, string[]>;
  responseHeaders?: Record<string, string[]>;
  /** UTF-8 (lossy) and capped; `…Truncated` says the cap cut it. */
  requestBody?: string;
  requestBodyTruncated?: boolean;
  responseBody?: string;
  responseBodyTruncated?: boolean;
}

/** Where batches go (PostgreSQL later, a column store after that). Throws when the store is down. */
export interface RequestLogSink {
  write(records: readonly RequestLogRecord[]): Promise<void>;
}
