import type pg from "pg";
import {
  type RequestLogFilter,
  type RequestLogPosition,
  type RequestLogReader,
  type RequestLogStatsRow,
  type StatusClass,
  type StoredRequestLog,
  whereClause,
} from "./request-log-query.js";

const summaryColumns = `id::text as id, (extract(epoch from time) * 1000)::float8 as time_ms,
  project_id, app_id, environment_id, deployment_id, request_id, host, method, path, query,
  status, total_latency_ms, upstream_latency_ms, sentinel_latency_ms, region, instance, outcome,
  policy_id, policy_name, client_ip, user_agent`;
const payloadColumns = `request_headers, response_headers, request_body, request_body_truncated,
  response_body, response_body_truncated`;

type Row = Record<string, unknown>;

function optional<K extends string>(key: K, value: unknown): Partial<Record<K, string>> {
  return value === null || value === undefined ? {} : ({ [key]: value } as Record<K, string>);
}

function toStoredRequestLog(row: Row): StoredRequestLog {
  const log: StoredRequestLog = {
    id: row.id as string,
    time: Math.round(row.time_ms as number),
    requestId: row.request_id as string,
    host: row.host as string,
    method: row.method as string,
    path: row.path as string,
    status: row.status as number,
    totalLatencyMs: row.total_latency_ms as number,
    upstreamLatencyMs: row.upstream_latency_ms as number,
    sentinelLatencyMs: row.sentinel_latency_ms as number,
    region: row.region as string,
    outcome: row.outcome as StoredRequestLog["outcome"],
    clientIp: row.client_ip as string,
    ...optional("projectId", row.project_id),
    ...optional("appId", row.app_id),
    ...optional("environmentId", row.environment_id),
    ...optional("deploymentId", row.deployment_id),
    ...optional("query", row.query),
    ...optional("instance", row.instance),
    ...optional("policyId", row.policy_id),
    ...optional("policyName", row.policy_name),
    ...optional("userAgent", row.user_agent),
  };
  if (row.request_headers) log.requestHeaders = row.request_headers as Record<string, string[]>;
  if (row.response_headers) log.responseHeaders = row.response_headers as Record<string, string[]>;
  if (typeof row.request_body === "string") {
    log.requestBody = row.request_body;
    log.requestBodyTruncated = Boolean(row.request_body_truncated);
  }
  if (typeof row.response_body === "string") {
    log.responseBody = row.response_body;
    log.responseBodyTruncated = Boolean(row.response_body_truncated);
  }
  return log;
}

/**
 * Reads request logs from PostgreSQL. Every statement names the workspace and a time window,
 * so it walks one index per day partition in the window and no other partition.
 */
export class PgRequestLogReader implements RequestLogReader {
  constructor(private readonly pool: pg.Pool) {}

  async list(
    filter: RequestLogFilter,
    page: { limit: number; after?: RequestLogPosition; withPayloads: boolean },
  ): Promise<{ items: StoredRequestLog[]; next?: RequestLogPosition }> {
    const where = whereClause(filter);
    const values = [...where.values];
    let conditions = where.sql;
    if (page.after) {
      values.push(new Date(page.after.time).toISOString(), page.after.id);
      const time = `$${values.length - 1}::timestamptz`;
      const id = `$${values.length}::bigint`;
      // The plain `time <=` lets the planner prune newer days; the row comparison is exact.
      conditions += ` and time <= ${time} and (time, id) < (${time}, ${id})`;
    }
    values.push(page.limit + 1);
    const { rows } = await this.pool.query<Row>(
      `select ${summaryColumns}${page.withPayloads ? `, ${payloadColumns}` : ""}
         from request_logs where ${conditions}
        order by time desc, id desc limit $${values.length}::int`,
      values,
    );
    const items = rows.slice(0, page.limit).map(toStoredRequestLog);
    const last = items.at(-1);
    return rows.length > page.limit && last
      ? { items, next: { time: last.time, id: last.id } }
      : { items };
  }

  async stats(filter: RequestLogFilter, bucketMs: number): Promise<RequestLogStatsRow[]> {
    const where = whereClause(filter);
    const values = [
      ...where.values,
      `${Math.trunc(bucketMs)} milliseconds`,
      new Date(filter.since).toISOString(),
    ];
    const { rows } = await this.pool.query<Row>(
      `select (extract(epoch from date_bin($${values.length - 1}::interval, time, $${values.length}::timestamptz))
                * 1000)::float8 as bucket_start,
              status / 100 as status_hundreds,
              count(*)::int as count,
              percentile_cont(0.5) within group (order by total_latency_ms) as p50,
              percentile_cont(0.99) within group (order by total_latency_ms) as p99
         from request_logs where ${where.sql}
        group by 1, 2 order by 1, 2`,
      values,
    );
    return rows.map((row) => ({
      bucketStart: Math.round(row.bucket_start as number),
      statusClass: `${row.status_hundreds}xx` as StatusClass,
      count: row.count as number,
      p50LatencyMs: row.p50 as number,
      p99LatencyMs: row.p99 as number,
    }));
  }
}
