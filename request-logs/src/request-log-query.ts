import type { RequestLogRecord } from "@slipway/shared/gateway";

export const statusClasses = ["1xx", "2xx", "3xx", "4xx", "5xx"] as const;
export type StatusClass = (typeof statusClasses)[number];

/** What a reader may be asked for. Every list is OR'd inside, the fields AND'ed together. */
export interface RequestLogFilter {
  workspaceId: string;
  /** The environments the caller may read: `"all"` or a list (possibly empty: nothing). */
  readableEnvironments: "all" | readonly string[];
  /** Epoch ms, `since` inclusive and `until` exclusive; the store reads only these days. */
  since: number;
  until: number;
  status?: ReadonlyArray<number | StatusClass>;
  methods?: readonly string[];
  hosts?: readonly string[];
  /** Matches the stored (normalised) path literally, no wildcards. */
  pathPrefix?: string;
  regions?: readonly string[];
  instances?: readonly string[];
  deploymentId?: string;
  environmentId?: string;
  /** Sentinel's request ids (`X-Request-Id` of the response). */
  requestIds?: readonly string[];
  outcomes?: ReadonlyArray<RequestLogRecord["outcome"]>;
}

/** A position in newest-first order: the last row a page returned. */
export interface RequestLogPosition {
  time: number;
  /** The row's sequence number, as a decimal string (a bigint). */
  id: string;
}

/** A stored request as the API shows it; headers and bodies only when asked for. */
export interface StoredRequestLog extends RequestLogRecord {
  id: string;
  projectId?: string;
  appId?: string;
}

export interface RequestLogStatsRow {
  /** Epoch ms of the bucket's start (buckets are aligned to the window's start). */
  bucketStart: number;
  statusClass: StatusClass;
  count: number;
  p50LatencyMs: number;
  p99LatencyMs: number;
}

/**
 * What the dashboard and CLI read: a column store can replace the PostgreSQL one behind this.
 * Every method is scoped to `filter.workspaceId`; none can reach another workspace's rows.
 */
export interface RequestLogReader {
  list(
    filter: RequestLogFilter,
    page: { limit: number; after?: RequestLogPosition; withPayloads: boolean },
  ): Promise<{ items: StoredRequestLog[]; next?: RequestLogPosition }>;
  stats(filter: RequestLogFilter, bucketMs: number): Promise<RequestLogStatsRow[]>;
}

/** `%`, `_` and the escape character itself match literally in a LIKE prefix. */
export function likePrefix(prefix: string): string {
  return `${prefix.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
}

/**
 * Pure: the WHERE clause of a filter, with its values as parameters (never spliced into the
 * SQL). The workspace and the time window always come first: they are what the indexes and
 * partition pruning need.
 */
export function whereClause(filter: RequestLogFilter): { sql: string; values: unknown[] } {
  const values: unknown[] = [];
  const param = (value: unknown, type: string) => {
    values.push(value);
    return `$${values.length}::${type}`;
  };
  const conditions = [
    `workspace_id = ${param(filter.workspaceId, "text")}`,
    `time >= ${param(new Date(filter.since).toISOString(), "timestamptz")}`,
    `time < ${param(new Date(filter.until).toISOString(), "timestamptz")}`,
  ];
  if (filter.readableEnvironments !== "all")
    conditions.push(`environment_id = any(${param(filter.readableEnvironments, "text[]")})`);
  const anyOf = (column: string, list: readonly unknown[] | undefined, type: string) => {
    if (list && list.length > 0) conditions.push(`${column} = any(${param(list, `${type}[]`)})`);
  };
  if (filter.status && filter.status.length > 0) {
    const codes = filter.status.filter((entry): entry is number => typeof entry === "number");
    const ranges = filter.status
      .filter((entry): entry is StatusClass => typeof entry === "string")
      .map((entry) => Number(entry[0]) * 100)
      .map((low) => `(status >= ${low} and status < ${low + 100})`);
    if (codes.length > 0) ranges.push(`status = any(${param(codes, "smallint[]")})`);
    conditions.push(`(${ranges.join(" or ")})`);
  }
  anyOf("method", filter.methods, "text");
  anyOf("host", filter.hosts, "text");
  anyOf("region", filter.regions, "text");
  anyOf("instance", filter.instances, "text");
  anyOf("outcome", filter.outcomes, "text");
  anyOf("request_id", filter.requestIds, "text");
  if (filter.deploymentId) conditions.push(`deployment_id = ${param(filter.deploymentId, "text")}`);
  if (filter.environmentId)
    conditions.push(`environment_id = ${param(filter.environmentId, "text")}`);
  if (filter.pathPrefix)
    conditions.push(`path like ${param(likePrefix(filter.pathPrefix), "text")} escape '\\'`);
  return { sql: conditions.join(" and "), values };
}
