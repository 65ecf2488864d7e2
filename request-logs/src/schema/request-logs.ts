import { sql } from "drizzle-orm";
import {
  bigserial,
  boolean,
  check,
  doublePrecision,
  index,
  jsonb,
  pgTable,
  smallint,
  text,
  timestamp,
} from "drizzle-orm/pg-core";

/**
 * One request Sentinel proxied (or refused), for the dashboard and CLI. The migration makes this
 * table `PARTITION BY RANGE (time)`, one partition per UTC day (drizzle-kit cannot say so):
 * retention drops whole days, and a query with a time window reads only the days it covers.
 *
 * No foreign keys and no primary key: rows are written in bulk on Sentinel's hot path and
 * dropped by the day; every lookup goes through the three indexes below, each ending in
 * `(time, id)`, the order pages come in. The tenancy ids come from the `deployments` row at
 * insert time, never from Sentinel's config; a request no deployment answered (unknown host)
 * has none and is visible to no workspace.
 */
export const requestLogs = pgTable(
  "request_logs",
  {
    id: bigserial("id", { mode: "number" }).notNull(),
    time: timestamp("time", { withTimezone: true, precision: 3 }).notNull(),
    workspaceId: text("workspace_id"),
    projectId: text("project_id"),
    appId: text("app_id"),
    environmentId: text("environment_id"),
    deploymentId: text("deployment_id"),
    requestId: text("request_id").notNull(),
    host: text("host").notNull(),
    method: text("method").notNull(),
    path: text("path").notNull(),
    query: text("query"),
    status: smallint("status").notNull(),
    totalLatencyMs: doublePrecision("total_latency_ms").notNull(),
    upstreamLatencyMs: doublePrecision("upstream_latency_ms").notNull(),
    sentinelLatencyMs: doublePrecision("sentinel_latency_ms").notNull(),
    region: text("region").notNull(),
    instance: text("instance"),
    outcome: text("outcome").$type<"allowed" | "denied" | "error">().notNull(),
    policyId: text("policy_id"),
    policyName: text("policy_name"),
    clientIp: text("client_ip").notNull(),
    userAgent: text("user_agent"),
    requestHeaders: jsonb("request_headers").$type<Record<string, string[]>>(),
    responseHeaders: jsonb("response_headers").$type<Record<string, string[]>>(),
    requestBody: text("request_body"),
    requestBodyTruncated: boolean("request_body_truncated"),
    responseBody: text("response_body"),
    responseBodyTruncated: boolean("response_body_truncated"),
  },
  (table) => [
    index("request_logs_workspace_time_idx").on(table.workspaceId, table.time, table.id),
    index("request_logs_environment_time_idx").on(table.environmentId, table.time, table.id),
    index("request_logs_deployment_time_idx").on(table.deploymentId, table.time, table.id),
    check("request_logs_outcome", sql`outcome in ('allowed', 'denied', 'error')`),
    check("request_logs_status", sql`status between 100 and 599`),
  ],
);

export type RequestLogRow = typeof requestLogs.$inferSelect;
