import {
  decodePosition,
  encodePosition,
  type RequestLogFilter,
  RequestLogQueryTooSlow,
} from "@slipway/request-logs";
import { AppError } from "@slipway/shared";
import type { z } from "zod";
import type { Page } from "../api-schemas/common.js";
import type {
  listRequestLogsBody,
  requestLogSchema,
  requestLogStatsBody,
  requestLogStatsSchema,
} from "../api-schemas/request-log.js";
import type { ServiceContext } from "./context.js";
import { resolveBucketWidth, resolveWindow } from "./request-log-window.js";

type FilterInput = Omit<z.output<typeof requestLogStatsBody>, "bucketMs">;

/**
 * The filter a call reads with: this workspace, the environments the root key may read logs of
 * (a key limited to `environment.<id>.read_request_log` sees those only), the window bounded.
 */
function filterFor(ctx: ServiceContext, input: FilterInput): RequestLogFilter {
  const window = resolveWindow(input, ctx.clock().getTime());
  const { since: _since, until: _until, ...fields } = input;
  return {
    ...fields,
    ...window,
    workspaceId: ctx.workspaceId,
    readableEnvironments: ctx.access.grantedIds(),
  };
}

async function answering<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof RequestLogQueryTooSlow) {
      throw new AppError(
        "service_unavailable",
        "The request log query took too long; narrow the time window or add filters.",
        { cause: error },
      );
    }
    throw error;
  }
}

/** Newest first; the cursor is the last row's (time, id), so pages never repeat or skip a row. */
export async function listRequestLogs(
  ctx: ServiceContext,
  input: z.output<typeof listRequestLogsBody>,
): Promise<Page<z.input<typeof requestLogSchema>>> {
  const { limit, cursor, includePayloads, ...filterInput } = input;
  const after = cursor === undefined ? undefined : decodePosition(cursor);
  if (cursor !== undefined && !after) {
    throw new AppError("bad_request", "The cursor is not one this endpoint returned.", {
      errors: [{ location: "body.cursor", message: "unknown cursor" }],
    });
  }
  const filter = filterFor(ctx, filterInput);
  const page = await answering(() =>
    ctx.requestLogs.list(filter, {
      limit,
      withPayloads: includePayloads,
      ...(after ? { after } : {}),
    }),
  );
  return page.next
    ? { items: page.items, hasMore: true, cursor: encodePosition(page.next) }
    : { items: page.items, hasMore: false };
}

/** Count and p50/p99 of total latency per status class and time bucket, for the chart. */
export async function requestLogStats(
  ctx: ServiceContext,
  input: z.output<typeof requestLogStatsBody>,
): Promise<z.input<typeof requestLogStatsSchema>> {
  const { bucketMs, ...filterInput } = input;
  const filter = filterFor(ctx, filterInput);
  const width = resolveBucketWidth(filter, bucketMs);
  const rows = await answering(() => ctx.requestLogs.stats(filter, width));
  return {
    since: filter.since,
    until: filter.until,
    bucketMs: width,
    buckets: rows.map((row) => ({
      start: row.bucketStart,
      statusClass: row.statusClass,
      count: row.count,
      p50LatencyMs: row.p50LatencyMs,
      p99LatencyMs: row.p99LatencyMs,
    })),
  };
}
