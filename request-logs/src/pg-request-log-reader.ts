import type pg from "pg";
import type {
  RequestLogFilter,
  RequestLogPosition,
  RequestLogReader,
  RequestLogStatsRow,
  StatusClass,
  StoredRequestLog,
} from "./request-log-query.js";
import { type ListPage, listStatement, statsStatement } from "./request-log-statements.js";

type Row = Record<string, unknown>;

/** The database cancelled a read that ran past the reader's statement timeout. */
export class RequestLogQueryTooSlow extends Error {
  constructor(cause: unknown) {
    super("the request log query ran past its time limit", { cause });
    this.name = "RequestLogQueryTooSlow";
  }
}

function optional<K extends string>(key: K, value: unknown): Partial<Record<K, string>> {
  return value === null || value === undefined ? {} : ({ [key]: value } as Record<K, string>);
}

function toStoredRequestLog(row: Row): StoredRequestLog {
  const log: StoredRequestLog = {
    id: row.row_id as string,
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
  constructor(
    private readonly pool: pg.Pool,
    /** A read running longer is cancelled by the server and fails with RequestLogQueryTooSlow. */
    private readonly statementTimeoutMs = 10_000,
  ) {}

  /** One read with a server-side time limit (SET LOCAL needs its own transaction). */
  private async read(text: string, values: unknown[]): Promise<Row[]> {
    const client = await this.pool.connect();
    try {
      await client.query("begin read only");
      await client.query(`set local statement_timeout = ${Math.trunc(this.statementTimeoutMs)}`);
      const { rows } = await client.query<Row>(text, values);
      await client.query("commit");
      return rows;
    } catch (error) {
      await client.query("rollback").catch(() => undefined);
      if ((error as { code?: string }).code === "57014") throw new RequestLogQueryTooSlow(error);
      throw error;
    } finally {
      client.release();
    }
  }

  async list(
    filter: RequestLogFilter,
    page: ListPage,
  ): Promise<{ items: StoredRequestLog[]; next?: RequestLogPosition }> {
    const statement = listStatement(filter, page);
    const rows = await this.read(statement.text, statement.values);
    const items = rows.slice(0, page.limit).map(toStoredRequestLog);
    const last = items.at(-1);
    return rows.length > page.limit && last
      ? { items, next: { time: last.time, id: last.id } }
      : { items };
  }

  async stats(filter: RequestLogFilter, bucketMs: number): Promise<RequestLogStatsRow[]> {
    const statement = statsStatement(filter, bucketMs);
    const rows = await this.read(statement.text, statement.values);
    return rows.map((row) => ({
      bucketStart: Math.round(row.bucket_start as number),
      statusClass: `${row.status_hundreds}xx` as StatusClass,
      count: row.count as number,
      p50LatencyMs: row.p50 as number,
      p99LatencyMs: row.p99 as number,
    }));
  }
}
