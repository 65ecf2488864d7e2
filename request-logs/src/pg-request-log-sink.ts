import type { RequestLogRecord, RequestLogSink } from "@slipway/shared/gateway";
import pg from "pg";
import { type StoredRecord, storedRecord } from "./stored-record.js";

/** At most this many rows per statement; a bigger batch is written in several. */
export const maxRowsPerInsert = 1000;

/** Column, the array type its values are sent as, and where it comes from in a stored record. */
const columns: Array<[column: string, arrayType: string, field: keyof StoredRecord]> = [
  ["time", "timestamptz[]", "time"],
  ["environment_id", "text[]", "environmentId"],
  ["deployment_id", "text[]", "deploymentId"],
  ["request_id", "text[]", "requestId"],
  ["host", "text[]", "host"],
  ["method", "text[]", "method"],
  ["path", "text[]", "path"],
  ["query", "text[]", "query"],
  ["status", "smallint[]", "status"],
  ["total_latency_ms", "float8[]", "totalLatencyMs"],
  ["upstream_latency_ms", "float8[]", "upstreamLatencyMs"],
  ["sentinel_latency_ms", "float8[]", "sentinelLatencyMs"],
  ["region", "text[]", "region"],
  ["instance", "text[]", "instance"],
  ["outcome", "text[]", "outcome"],
  ["policy_id", "text[]", "policyId"],
  ["policy_name", "text[]", "policyName"],
  ["client_ip", "text[]", "clientIp"],
  ["user_agent", "text[]", "userAgent"],
  ["request_headers", "jsonb[]", "requestHeaders"],
  ["response_headers", "jsonb[]", "responseHeaders"],
  ["request_body", "text[]", "requestBody"],
  ["request_body_truncated", "bool[]", "requestBodyTruncated"],
  ["response_body", "text[]", "responseBody"],
  ["response_body_truncated", "bool[]", "responseBodyTruncated"],
];

const tenancyColumns = "workspace_id, project_id, app_id";
const insertColumns = columns.map(([column]) => column).filter((c) => c !== "environment_id");

/**
 * One statement whatever the batch size (one array parameter per column, unnested), so it is
 * planned once and sends no per-row SQL. The workspace, project, app and environment are the
 * deployment's own, joined here: a Sentinel config can never file a request under another
 * workspace. Without a deployment row (unknown host) they stay null and no workspace sees it.
 */
const insertStatement = `
  insert into request_logs (${tenancyColumns}, environment_id, ${insertColumns.join(", ")})
  select deployment.workspace_id, deployment.project_id, deployment.app_id,
         coalesce(deployment.environment_id, incoming.environment_id),
         ${insertColumns.map((column) => `incoming.${column}`).join(", ")}
    from unnest(${columns.map(([, type], i) => `$${i + 1}::${type}`).join(", ")})
         as incoming(${columns.map(([column]) => column).join(", ")})
    left join deployments deployment on deployment.id = incoming.deployment_id`;

/**
 * Sentinel's request-log sink over PostgreSQL. Throws when the store is down or slow (the
 * pool's timeouts bound how long); the batcher in front counts what was dropped.
 */
export class PgRequestLogSink implements RequestLogSink {
  constructor(private readonly pool: pg.Pool) {}

  async write(records: readonly RequestLogRecord[]): Promise<void> {
    for (let start = 0; start < records.length; start += maxRowsPerInsert) {
      const rows = records.slice(start, start + maxRowsPerInsert).map(storedRecord);
      await this.pool.query({
        name: "request_logs_insert",
        text: insertStatement,
        values: columns.map(([, , field]) => rows.map((row) => row[field])),
      });
    }
  }
}

/**
 * A sink with its own small pool, for a process that only writes logs (Sentinel). Connect and
 * statement timeouts keep a hung database from holding batches for long: the write fails, the
 * batch is counted as dropped, and requests never notice.
 */
export function openPgRequestLogSink(
  url: string,
  options: { connectTimeoutMs?: number; statementTimeoutMs?: number } = {},
): { sink: PgRequestLogSink; close(): Promise<void> } {
  const pool = new pg.Pool({
    connectionString: url,
    max: 2,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 2000,
    query_timeout: options.statementTimeoutMs ?? 10_000,
    statement_timeout: options.statementTimeoutMs ?? 10_000,
    application_name: "slipway-request-logs",
  });
  // A connection lost while idle must not crash the process; the next write reconnects.
  pool.on("error", () => undefined);
  return { sink: new PgRequestLogSink(pool), close: () => pool.end() };
}
