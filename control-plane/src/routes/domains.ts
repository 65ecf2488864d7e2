import type { FastifyInstance } from "fastify";
import { emptyResponseSchema } from "../api-schemas/common.js";
import {
  createDomainBody,
  createDomainData,
  domainRefBody,
  domainSchema,
  listDomainsBody,
} from "../api-schemas/domain.js";
import { type ContextFactory, defineListRoute, defineRoute } from "../http/define-route.js";
import { verifyDomain } from "../services/domain-verification.js";
import { createDomain, deleteDomain, getDomain, listDomains } from "../services/domains.js";

export function domainRoutes(app: FastifyInstance, makeContext: ContextFactory) {
  defineRoute(app, makeContext, {
    operation: "domains.createDomain",
    summary: "Attach a custom domain to an environment and get its DNS records",
    permission: { resource: "environment", action: "create_domain", scope: "object" },
    body: createDomainBody,
    data: createDomainData,
    handler: (ctx, body) => createDomain(ctx, body),
  });
  defineRoute(app, makeContext, {
    operation: "domains.getDomain",
    summary: "Get a domain by id or hostname",
    permission: { resource: "environment", action: "read_domain", scope: "object" },
    body: domainRefBody,
    data: domainSchema,
    handler: (ctx, body) => getDomain(ctx, body.domain),
  });
  defineListRoute(app, makeContext, {
    operation: "domains.listDomains",
    summary: "List an environment's domains",
    permission: { resource: "environment", action: "read_domain", scope: "object" },
    body: listDomainsBody,
    data: domainSchema,
    handler: (ctx, body) => listDomains(ctx, body),
  });
  defineRoute(app, makeContext, {
    operation: "domains.verifyDomain",
    successStatus: 202,
    summary: "Check the domain's DNS records now",
    permission: { resource: "environment", action: "verify_domain", scope: "object" },
    body: domainRefBody,
    data: emptyResponseSchema,
    handler: async (ctx, body) => {
      await verifyDomain(ctx, body.domain);
      return {};
    },
  });
  defineRoute(app, makeContext, {
    operation: "domains.deleteDomain",
    summary: "Detach a domain",
    permission: { resource: "environment", action: "delete_domain", scope: "object" },
    body: domainRefBody,
    data: emptyResponseSchema,
    handler: async (ctx, body) => {
      await deleteDomain(ctx, body.domain);
      return {};
    },
  });
}
