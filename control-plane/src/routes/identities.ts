import type { FastifyInstance } from "fastify";
import { emptyResponseSchema } from "../api-schemas/common.js";
import {
  createIdentityBody,
  createIdentityData,
  identityRefBody,
  listIdentitiesBody,
  updateIdentityBody,
} from "../api-schemas/identity.js";
import { identitySchema } from "../api-schemas/verify-key.js";
import { type ContextFactory, defineListRoute, defineRoute } from "../http/define-route.js";
import {
  createIdentity,
  deleteIdentity,
  getIdentity,
  listIdentities,
  updateIdentity,
} from "../services/identities.js";

/** `identities.*`: who keys belong to, with metadata and ratelimits their keys share. */
export function identityRoutes(app: FastifyInstance, makeContext: ContextFactory) {
  defineRoute(app, makeContext, {
    operation: "identities.createIdentity",
    summary: "Create an identity; its externalId is unique in the workspace",
    permission: { resource: "identity", action: "create_identity", scope: "all" },
    body: createIdentityBody,
    data: createIdentityData,
    handler: (ctx, body) => createIdentity(ctx, body),
  });
  defineRoute(app, makeContext, {
    operation: "identities.getIdentity",
    summary: "Get an identity by id or externalId, with its ratelimits",
    permission: { resource: "identity", action: "read_identity", scope: "all" },
    body: identityRefBody,
    data: identitySchema,
    handler: (ctx, body) => getIdentity(ctx, body.identity),
  });
  defineListRoute(app, makeContext, {
    operation: "identities.listIdentities",
    summary: "List identities in id order; `search` matches id or externalId",
    permission: { resource: "identity", action: "read_identity", scope: "all" },
    body: listIdentitiesBody,
    data: identitySchema,
    handler: (ctx, body) => listIdentities(ctx, body),
  });
  defineRoute(app, makeContext, {
    operation: "identities.updateIdentity",
    summary: "Update an identity: absent fields stay, `meta` and `ratelimits` replace",
    permission: { resource: "identity", action: "update_identity", scope: "all" },
    body: updateIdentityBody,
    data: identitySchema,
    handler: (ctx, body) => updateIdentity(ctx, body),
  });
  defineRoute(app, makeContext, {
    operation: "identities.deleteIdentity",
    summary: "Delete an identity; its keys keep verifying without its metadata and limits",
    permission: { resource: "identity", action: "delete_identity", scope: "all" },
    errorContentType: "application/problem+json",
    body: identityRefBody,
    data: emptyResponseSchema,
    handler: async (ctx, body) => {
      await deleteIdentity(ctx, body.identity);
      return {};
    },
  });
}
