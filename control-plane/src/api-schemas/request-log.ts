import { statusClasses } from "@slipway/request-logs";
import { z } from "zod";
import { cursorSchema } from "./common.js";

/** Epoch milliseconds, within what a JavaScript Date can hold (year 9999 at most). */
const epochMsSchema = z.number().int().min(0).max(253_402_300_799_999);
const nameListSchema = z.array(z.string().min(1).max(255)).min(1).max(20);

/** The filters both request-log calls take. Lists match any of their entries. */
const filterFields = {
  /** Window start (inclusive) and end (exclusive); default the 24 hours up to now. */
  since: epochMsSchema.optional(),
  until: epochMsSchema.optional(),
  /** Single codes (`404`) and classes (`"5xx"`), any of them. */
  status: z
    .array(z.union([z.number().int().min(100).max(599), z.enum(statusClasses)]))
    .min(1)
    .max(20)
    .optional(),
  methods: z
    .array(
      z
        .string()
        .regex(/^[A-Za-z]{1,16}$/, "must be an HTTP method name")
        .transform((method) => method.toUpperCase()),
    )
    .min(1)
    .max(20)
    .optional(),
  hosts: z
    .array(
      z
        .string()
        .min(1)
        .max(253)
        .transform((host) => host.toLowerCase()),
    )
    .min(1)
    .max(20)
    .optional(),
  pathPrefix: z.string().min(1).max(2048).startsWith("/", "must start with '/'").optional(),
  regions: nameListSchema.optional(),
  instances: nameListSchema.optional(),
  deploymentId: z.string().min(1).max(255).optional(),
  environmentId: z.string().min(1).max(255).optional(),
  /** Sentinel's request ids (the `X-Request-Id` a response carried), any of them. */
  requestIds: z.array(z.string().min(1).max(128)).min(1).max(20).optional(),
  outcomes: z
    .array(z.enum(["allowed", "denied", "error"]))
    .min(1)
    .max(3)
    .optional(),
};

/** Pages with headers and bodies (up to 64 KiB each, four per row) are kept this short. */
export const maxLogsWithPayloads = 10;

export const listRequestLogsBody = z
  .strictObject({
    ...filterFields,
    limit: z.number().int().min(1).max(100).default(50),
    cursor: cursorSchema,
    /** Also return captured headers and bodies (what the environment's logging policy kept). */
    includePayloads: z.boolean().default(false),
  })
  .refine((body) => !body.includePayloads || body.limit <= maxLogsWithPayloads, {
    message: `must be at most ${maxLogsWithPayloads} with includePayloads`,
    path: ["limit"],
  });

export const requestLogStatsBody = z.strictObject({
  ...filterFields,
  /** Bucket width; by default the smallest round width giving at most 120 buckets. */
  bucketMs: z.number().int().min(1000).max(86_400_000).optional(),
});

const headersSchema = z.record(z.string(), z.array(z.string()));

export const requestLogSchema = z.object({
  id: z.string(),
  time: z.number(),
  requestId: z.string(),
  projectId: z.string().optional(),
  appId: z.string().optional(),
  environmentId: z.string().optional(),
  deploymentId: z.string().optional(),
  host: z.string(),
  method: z.string(),
  path: z.string(),
  query: z.string().optional(),
  status: z.number(),
  totalLatencyMs: z.number(),
  upstreamLatencyMs: z.number(),
  sentinelLatencyMs: z.number(),
  region: z.string(),
  instance: z.string().optional(),
  outcome: z.enum(["allowed", "denied", "error"]),
  policyId: z.string().optional(),
  policyName: z.string().optional(),
  clientIp: z.string(),
  userAgent: z.string().optional(),
  requestHeaders: headersSchema.optional(),
  responseHeaders: headersSchema.optional(),
  requestBody: z.string().optional(),
  requestBodyTruncated: z.boolean().optional(),
  responseBody: z.string().optional(),
  responseBodyTruncated: z.boolean().optional(),
});

export const requestLogStatsSchema = z.object({
  since: z.number(),
  until: z.number(),
  bucketMs: z.number(),
  /** Only buckets and classes that saw requests; ordered by bucket, then class. */
  buckets: z.array(
    z.object({
      start: z.number(),
      statusClass: z.enum(statusClasses),
      count: z.number(),
      p50LatencyMs: z.number(),
      p99LatencyMs: z.number(),
    }),
  ),
});
