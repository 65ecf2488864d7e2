import {
  type RequestLogFilter,
  type RequestLogPosition,
  whereClause,
} from "./request-log-query.js";

// Aliases must not shadow `time` or `id`: ORDER BY would sort by the alias (text `id` is
// not the numeric order).
const summaryColumns = `id::text as row_id, (extract(epoch from time) * 1000)::float8 as time_ms,
  project_id, app_id, environment_id, deployment_id, request_id, host, method, path, query,
  status, total_latency_ms, upstream_latency_ms, sentinel_latency_ms, region, instance, outcome,
  policy_id, policy_name, client_ip, user_agent`;
const payloadColumns = `request_headers, response_headers, request_body, request_body_truncated,
  response_body, response_body_truncated`;

export interface ListPage {
  limit: number;
  after?: RequestLogPosition;
  withPayloads: boolean;
}

export interface Statement {
  text: string;
  values: unknown[];
}

/**
 * Pure: one page newest first, `limit + 1` rows (the extra one only says more exist). After a
 * position, `(time, id) <` it: the order is total, so no row is repeated or skipped between
 * pages, whatever is inserted meanwhile.
 */
export function listStatement(filter: RequestLogFilter, page: ListPage): Statement {
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
  return {
    text: `select ${summaryColumns}${page.withPayloads ? `, ${payloadColumns}` : ""}
             from request_logs where ${conditions}
            order by time desc, id desc limit $${values.length}::int`,
    values,
  };
}

/** Pure: count and p50/p99 total latency per bucket (aligned to `since`) and status class. */
export function statsStatement(filter: RequestLogFilter, bucketMs: number): Statement {
  const where = whereClause(filter);
  const values = [
    ...where.values,
    `${Math.trunc(bucketMs)} milliseconds`,
    new Date(filter.since).toISOString(),
  ];
  const width = `$${values.length - 1}::interval`;
  const origin = `$${values.length}::timestamptz`;
  return {
    text: `select (extract(epoch from date_bin(${width}, time, ${origin})) * 1000)::float8
                    as bucket_start,
                  status / 100 as status_hundreds,
                  count(*)::int as count,
                  percentile_cont(0.5) within group (order by total_latency_ms) as p50,
                  percentile_cont(0.99) within group (order by total_latency_ms) as p99
             from request_logs where ${where.sql}
            group by 1, 2 order by 1, 2`,
    values,
  };
}
