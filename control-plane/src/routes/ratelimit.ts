import type { FastifyInstance } from "fastify";
import { emptyResponseSchema } from "../api-schemas/common.js";
import {
  limitBody,
  limitData,
  listOverridesBody,
  multiLimitBody,
  multiLimitData,
  overrideRefBody,
  overrideSchema,
  setOverrideBody,
  setOverrideData,
} from "../api-schemas/ratelimit.js";
import { type ContextFactory, defineListRoute, defineRoute } from "../http/define-route.js";
import { limit, multiLimit } from "../services/ratelimit-limit.js";
import {
  deleteOverride,
  getOverride,
  listOverrides,
  setOverride,
} from "../services/ratelimit-overrides.js";

/** `ratelimit.*`: limits by any identifier in named namespaces, and their overrides. */
export function ratelimitRoutes(app: FastifyInstance, makeContext: ContextFactory) {
  defineRoute(app, makeContext, {
    operation: "ratelimit.limit",
    summary: "Check and count a ratelimit: always 200, `success` says whether to go on",
    permission: { resource: "ratelimit", action: "limit", scope: "object" },
    body: limitBody,
    data: limitData,
    handler: (ctx, body) => limit(ctx, body),
  });
  defineRoute(app, makeContext, {
    operation: "ratelimit.multiLimit",
    summary: "Check several ratelimits at once: all are counted or, if one fails, none",
    permission: { resource: "ratelimit", action: "limit", scope: "object" },
    body: multiLimitBody,
    data: multiLimitData,
    handler: (ctx, body) => multiLimit(ctx, body),
  });
  defineRoute(app, makeContext, {
    operation: "ratelimit.setOverride",
    summary: "Create or replace the override of an identifier or `*` pattern in a namespace",
    permission: { resource: "ratelimit", action: "set_override", scope: "object" },
    body: setOverrideBody,
    data: setOverrideData,
    handler: (ctx, body) => setOverride(ctx, body),
  });
  defineRoute(app, makeContext, {
    operation: "ratelimit.getOverride",
    summary: "Get the override of an identifier exactly as it was set (stars included)",
    permission: { resource: "ratelimit", action: "read_override", scope: "object" },
    body: overrideRefBody,
    data: overrideSchema,
    handler: (ctx, body) => getOverride(ctx, body),
  });
  defineListRoute(app, makeContext, {
    operation: "ratelimit.listOverrides",
    summary: "List a namespace's overrides",
    permission: { resource: "ratelimit", action: "read_override", scope: "object" },
    body: listOverridesBody,
    data: overrideSchema,
    handler: (ctx, body) => listOverrides(ctx, body),
  });
  defineRoute(app, makeContext, {
    operation: "ratelimit.deleteOverride",
    summary: "Delete an override; identifiers it matched fall back at once",
    permission: { resource: "ratelimit", action: "delete_override", scope: "object" },
    body: overrideRefBody,
    data: emptyResponseSchema,
    handler: async (ctx, body) => {
      await deleteOverride(ctx, body);
      return {};
    },
  });
}
