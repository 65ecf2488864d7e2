import type { FastifyInstance } from "fastify";
import { type ContextFactory, defineListRoute, defineRoute } from "../http/define-route.js";
import {
  deploymentSchema,
  getDeploymentBody,
  listDeploymentsBody,
} from "../http/schemas/deployment.js";
import { getDeployment, listDeployments } from "../services/deployments.js";

export function deploymentRoutes(app: FastifyInstance, makeContext: ContextFactory) {
  defineRoute(app, makeContext, {
    operation: "deployments.getDeployment",
    summary: "Get a deployment's status, source, runtime and available actions",
    permission: { resource: "environment", action: "read_deployment", scope: "object" },
    body: getDeploymentBody,
    data: deploymentSchema,
    handler: (ctx, body) => getDeployment(ctx, body.deploymentId),
  });
  defineListRoute(app, makeContext, {
    operation: "deployments.listDeployments",
    summary: "List deployments, newest first, filtered by project, app, environment or status",
    permission: { resource: "environment", action: "read_deployment", scope: "all" },
    body: listDeploymentsBody,
    data: deploymentSchema,
    handler: (ctx, body) => listDeployments(ctx, body),
  });
}
