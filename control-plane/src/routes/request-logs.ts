import type { FastifyInstance } from "fastify";
import {
  listRequestLogsBody,
  requestLogSchema,
  requestLogStatsBody,
  requestLogStatsSchema,
} from "../api-schemas/request-log.js";
import { type ContextFactory, defineListRoute, defineRoute } from "../http/define-route.js";
import { listRequestLogs, requestLogStats } from "../services/request-logs.js";

/**
 * Slipway's extension in the SDK's style: the requests Sentinel served or refused for the
 * workspace's apps (issue 14), for the dashboard and the CLI.
 */
export function requestLogRoutes(app: FastifyInstance, makeContext: ContextFactory) {
  const permission = {
    resource: "environment",
    action: "read_request_log",
    scope: "object",
  } as const;
  defineListRoute(app, makeContext, {
    operation: "requestLogs.listRequestLogs",
    summary: "List request logs, newest first, filtered by status, method, host, path and more",
    permission,
    body: listRequestLogsBody,
    data: requestLogSchema,
    handler: (ctx, body) => listRequestLogs(ctx, body),
  });
  defineRoute(app, makeContext, {
    operation: "requestLogs.getRequestLogStats",
    summary: "Count and p50/p99 latency per status class in time buckets",
    permission,
    body: requestLogStatsBody,
    data: requestLogStatsSchema,
    handler: (ctx, body) => requestLogStats(ctx, body),
  });
}
