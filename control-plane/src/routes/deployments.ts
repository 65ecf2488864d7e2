import type { FastifyInstance } from "fastify";
import { emptyResponseSchema } from "../api-schemas/common.js";
import {
  createDeploymentBody,
  createDeploymentData,
  deploymentLogLineSchema,
  deploymentSchema,
  getDeploymentBody,
  getDeploymentLogsBody,
  listDeploymentsBody,
} from "../api-schemas/deployment.js";
import { type ContextFactory, defineListRoute, defineRoute } from "../http/define-route.js";
import type { ServiceContext } from "../services/context.js";
import { approveDeployment, cancelDeployment } from "../services/deployment-lifecycle.js";
import { getDeploymentLogs } from "../services/deployment-logs.js";
import { startDeployment, stopDeployment } from "../services/deployment-power.js";
import { changeTraffic } from "../services/deployment-traffic.js";
import { getDeployment, listDeployments } from "../services/deployments.js";
import { createManualDeployment } from "../services/manual-deployment.js";

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
  defineRoute(app, makeContext, {
    operation: "deployments.createDeployment",
    successStatus: 201,
    summary:
      "Create a deployment from git (branch and/or commit, or a fork's commit), a prebuilt image, or an existing deployment",
    permission: { resource: "environment", action: "create_deployment", scope: "object" },
    body: createDeploymentBody,
    data: createDeploymentData,
    handler: (ctx, body) => createManualDeployment(ctx, body),
  });
  defineListRoute(app, makeContext, {
    operation: "deployments.getDeploymentLogs",
    summary:
      "Slipway: a deployment's build and rollout log, oldest line first; follow a running build by asking again with pagination.cursor",
    permission: { resource: "environment", action: "read_deployment", scope: "object" },
    body: getDeploymentLogsBody,
    data: deploymentLogLineSchema,
    handler: (ctx, body) => getDeploymentLogs(ctx, body),
  });
  defineRoute(app, makeContext, {
    operation: "deployments.approveDeployment",
    successStatus: 202,
    summary: "Slipway: let a deployment awaiting approval (a fork's pull request) proceed",
    permission: { resource: "environment", action: "approve_deployment", scope: "object" },
    body: getDeploymentBody,
    data: emptyResponseSchema,
    handler: async (ctx, body) => {
      await approveDeployment(ctx, body.deploymentId);
      return {};
    },
  });
  defineRoute(app, makeContext, {
    operation: "deployments.cancelDeployment",
    successStatus: 202,
    summary: "Slipway: cancel a queued, waiting or building deployment",
    permission: { resource: "environment", action: "cancel_deployment", scope: "object" },
    body: getDeploymentBody,
    data: emptyResponseSchema,
    handler: async (ctx, body) => {
      await cancelDeployment(ctx, body.deploymentId);
      return {};
    },
  });
  // The four lifecycle calls of the SDK: accepted (202) and carried out by the worker or at once.
  const lifecycle = [
    [
      "startDeployment",
      "start_deployment",
      "Start a stopped preview deployment again",
      startDeployment,
    ],
    [
      "stopDeployment",
      "stop_deployment",
      "Stop a ready preview deployment (scale to zero)",
      stopDeployment,
    ],
    [
      "promoteDeployment",
      "promote_deployment",
      "Make a ready production deployment the current one (clears a rollback)",
      (ctx, id) => changeTraffic(ctx, "promote", id),
    ],
    [
      "rollbackDeployment",
      "rollback_deployment",
      "Move production traffic back to an earlier ready deployment",
      (ctx, id) => changeTraffic(ctx, "rollback", id),
    ],
  ] as const satisfies readonly (readonly [
    string,
    string,
    string,
    (ctx: ServiceContext, deploymentId: string) => Promise<void>,
  ])[];
  for (const [method, action, summary, run] of lifecycle) {
    defineRoute(app, makeContext, {
      operation: `deployments.${method}`,
      successStatus: 202,
      summary,
      permission: { resource: "environment", action, scope: "object" },
      body: getDeploymentBody,
      data: emptyResponseSchema,
      handler: async (ctx, body) => {
        await run(ctx, body.deploymentId);
        return {};
      },
    });
  }
}
