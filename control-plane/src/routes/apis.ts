import type { FastifyInstance } from "fastify";
import { keyResponseSchema, listKeysBody } from "../api-schemas/api-key.js";
import { emptyResponseSchema } from "../api-schemas/common.js";
import {
  apiRefBody,
  apiSchema,
  createApiBody,
  createApiData,
  listApisBody,
} from "../api-schemas/keyspace.js";
import { type ContextFactory, defineListRoute, defineRoute } from "../http/define-route.js";
import { listKeys } from "../services/key-reads.js";
import {
  createKeyspace,
  deleteKeyspace,
  getKeyspace,
  listKeyspaces,
} from "../services/keyspaces.js";

/** `apis.*`: keyspaces, what Unkey's SDK calls APIs. */
export function apiRoutes(app: FastifyInstance, makeContext: ContextFactory) {
  defineRoute(app, makeContext, {
    operation: "apis.createApi",
    summary: "Create an API (a keyspace)",
    permission: { resource: "api", action: "create_api", scope: "all" },
    body: createApiBody,
    data: createApiData,
    handler: (ctx, body) => createKeyspace(ctx, body),
  });
  defineRoute(app, makeContext, {
    operation: "apis.getApi",
    summary: "Get an API by id",
    permission: { resource: "api", action: "read_api", scope: "object" },
    body: apiRefBody,
    data: apiSchema,
    handler: (ctx, body) => getKeyspace(ctx, body.apiId),
  });
  defineListRoute(app, makeContext, {
    operation: "apis.listApis",
    summary: "List the workspace's APIs (keyspaces) the root key may read; a Slipway extension",
    permission: { resource: "api", action: "read_api", scope: "object" },
    body: listApisBody,
    data: apiSchema,
    handler: (ctx, body) => listKeyspaces(ctx, body),
  });
  defineRoute(app, makeContext, {
    operation: "apis.deleteApi",
    summary: "Delete an API and all its keys",
    permission: { resource: "api", action: "delete_api", scope: "object" },
    body: apiRefBody,
    data: emptyResponseSchema,
    handler: async (ctx, body) => {
      await deleteKeyspace(ctx, body.apiId);
      return {};
    },
  });
  defineListRoute(app, makeContext, {
    operation: "apis.listKeys",
    summary: "List an API's keys by id; `decrypt` returns recoverable keys' plaintext",
    permission: { resource: "api", action: "read_key", scope: "object" },
    body: listKeysBody,
    data: keyResponseSchema,
    handler: (ctx, body) => listKeys(ctx, body),
  });
}
