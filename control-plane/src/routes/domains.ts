import type { FastifyInstance } from "fastify";
import { type ContextFactory, defineListRoute, defineRoute } from "../http/define-route.js";
import { emptyResponseSchema } from "../http/schemas/common.js";
import {
  createDomainBody,
  createDomainData,
  domainRefBody,
  domainSchema,
  listDomainsBody,
} from "../http/schemas/domain.js";
import {
  createDomain,
  deleteDomain,
  getDomain,
  listDomains,
  verifyDomain,
} from "../services/domains.js";

export function domainRoutes(app: FastifyInstance, makeContext: ContextFactory) {
  defineRoute(app, makeContext, {
    operation: "domains.createDomain",
    summary: "Attach a custom domain to an environment and get its DNS records",
    permission: "project.*.create_domain",
    body: createDomainBody,
    data: createDomainData,
    handler: (ctx, body) => createDomain(ctx, body),
  });
  defineRoute(app, makeContext, {
    operation: "domains.getDomain",
    summary: "Get a domain by id or hostname",
    permission: "project.*.read_domain",
    body: domainRefBody,
    data: domainSchema,
    handler: (ctx, body) => getDomain(ctx, body.domain),
  });
  defineListRoute(app, makeContext, {
    operation: "domains.listDomains",
    summary: "List an environment's domains",
    permission: "project.*.read_domain",
    body: listDomainsBody,
    data: domainSchema,
    handler: (ctx, body) => listDomains(ctx, body),
  });
  defineRoute(app, makeContext, {
    operation: "domains.verifyDomain",
    successStatus: 202,
    summary: "Check the domain's DNS records now",
    permission: "project.*.update_domain",
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
    permission: "project.*.delete_domain",
    body: domainRefBody,
    data: emptyResponseSchema,
    handler: async (ctx, body) => {
      await deleteDomain(ctx, body.domain);
      return {};
    },
  });
}
