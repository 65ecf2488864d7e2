import { AppError } from "@slipway/shared";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import {
  type AccessCheck,
  accessCheckFor,
  type PermissionRequirement,
} from "../access/permissions.js";
import {
  envelopeSchema,
  listEnvelopeSchema,
  metaSchema,
  type Page,
} from "../api-schemas/common.js";
import type { Actor } from "../db/repositories/audit-log-repository.js";
import type { ServiceContext } from "../services/context.js";

const fieldErrorSchema = z.object({
  location: z.string(),
  message: z.string(),
  fix: z.string().optional(),
});
const errorEnvelopeSchema = z.object({
  meta: metaSchema,
  error: z.object({
    title: z.string(),
    detail: z.string(),
    status: z.number(),
    type: z.string(),
    errors: z.array(fieldErrorSchema).optional(),
  }),
});
const errorResponses = Object.fromEntries(
  [400, 401, 403, 404, 409, 412, 413, 415, 429, 500].map((status) => [status, errorEnvelopeSchema]),
);

export type ContextFactory = (
  request: FastifyRequest,
  workspaceId: string,
  actor: Actor,
  access: AccessCheck,
) => ServiceContext;

interface RouteDefinition<Body extends z.ZodType, Item extends z.ZodType> {
  /** `<service>.<method>`, the path after /v2/ exactly as the SDK calls it. */
  operation: `${string}.${string}`;
  summary: string;
  permission: PermissionRequirement;
  body: Body;
  data: Item;
  /** The SDK expects 202 where the work is accepted rather than finished (deletes, verify). */
  successStatus?: 200 | 201 | 202;
  /**
   * The content type of this route's errors, where the SDK matches them by it: its
   * identities.deleteIdentity reads a 4xx as its typed error only when it is
   * `application/problem+json`.
   */
  errorContentType?: "application/problem+json";
}

declare module "fastify" {
  interface FastifyContextConfig {
    /** Read by the error handler; `application/json` when absent. */
    errorContentType?: string;
  }
}

/** The error answers every route documents. */
export const documentedErrorResponses = errorResponses;

/**
 * Runs a route's work as the request's root key (or session): 401 without one, and a handler that never
 * checked the object it touched is a bug, not a grant.
 */
export async function runAuthorized<T>(
  request: FastifyRequest,
  makeContext: ContextFactory,
  definition: { operation: string; permission: PermissionRequirement },
  work: (ctx: ServiceContext) => Promise<T>,
): Promise<T> {
  const principal = request.principal;
  if (!principal) {
    throw new AppError("unauthorized", "Send a root key as 'Authorization: Bearer <key>'.");
  }
  const access = accessCheckFor(principal.permissions, definition.permission);
  const ctx = makeContext(request, principal.workspaceId, principal.actor, access);
  const result = await work(ctx);
  if (!access.satisfied)
    throw new Error(`${definition.operation} finished without an access check`);
  return result;
}

function register<Body extends z.ZodType>(
  app: FastifyInstance,
  definition: RouteDefinition<Body, z.ZodType>,
  response: z.ZodType,
  makeContext: ContextFactory,
  run: (ctx: ServiceContext, body: z.output<Body>, requestId: string) => Promise<unknown>,
) {
  const [service] = definition.operation.split(".");
  app.withTypeProvider<ZodTypeProvider>().post(
    `/v2/${definition.operation}`,
    {
      ...(definition.errorContentType && {
        config: { errorContentType: definition.errorContentType },
      }),
      schema: {
        operationId: definition.operation,
        tags: [service!],
        summary: definition.summary,
        security: [{ rootKey: [] }],
        body: definition.body,
        response: { [definition.successStatus ?? 200]: response, ...errorResponses },
      },
    },
    async (request, reply) => {
      reply.status(definition.successStatus ?? 200);
      return runAuthorized(request, makeContext, definition, (ctx) =>
        run(ctx, request.body as z.output<Body>, request.id),
      );
    },
  );
}

/** A `POST /v2/<service>.<method>` answering `{ meta, data }`. */
export function defineRoute<Body extends z.ZodType, Data extends z.ZodType>(
  app: FastifyInstance,
  makeContext: ContextFactory,
  definition: RouteDefinition<Body, Data> & {
    handler: (ctx: ServiceContext, body: z.output<Body>) => Promise<z.input<Data>>;
  },
) {
  register(
    app,
    definition,
    envelopeSchema(definition.data),
    makeContext,
    async (ctx, body, requestId) => ({
      meta: { requestId },
      data: await definition.handler(ctx, body),
    }),
  );
}

/** A paged list answering `{ meta, data: [...], pagination }`. */
export function defineListRoute<Body extends z.ZodType, Item extends z.ZodType>(
  app: FastifyInstance,
  makeContext: ContextFactory,
  definition: RouteDefinition<Body, Item> & {
    handler: (ctx: ServiceContext, body: z.output<Body>) => Promise<Page<z.input<Item>>>;
  },
) {
  register(
    app,
    definition,
    listEnvelopeSchema(definition.data),
    makeContext,
    async (ctx, body, requestId) => {
      const page = await definition.handler(ctx, body);
      return {
        meta: { requestId },
        data: page.items,
        pagination: { hasMore: page.hasMore, ...(page.cursor ? { cursor: page.cursor } : {}) },
      };
    },
  );
}
