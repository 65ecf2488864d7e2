import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { emptyResponseSchema } from "../api-schemas/common.js";
import {
  environmentRefBody,
  environmentSchema,
  listEnvironmentsBody,
  updateSettingsBody,
} from "../api-schemas/environment.js";
import {
  environmentVariableSchema,
  listEnvironmentVariablesBody,
  removeEnvironmentVariablesBody,
  setEnvironmentVariablesBody,
} from "../api-schemas/environment-variable.js";
import { type ContextFactory, defineListRoute, defineRoute } from "../http/define-route.js";
import {
  listEnvironmentVariables,
  removeEnvironmentVariables,
  setEnvironmentVariables,
} from "../services/environment-variables.js";
import { getEnvironment, listEnvironments, updateSettings } from "../services/environments.js";

export function environmentRoutes(app: FastifyInstance, makeContext: ContextFactory) {
  defineRoute(app, makeContext, {
    operation: "environments.getEnvironment",
    summary: "Get an environment with its runtime, build and region settings",
    permission: { resource: "environment", action: "read_environment", scope: "object" },
    body: environmentRefBody,
    data: environmentSchema,
    handler: (ctx, body) => getEnvironment(ctx, body),
  });
  defineRoute(app, makeContext, {
    operation: "environments.listEnvironments",
    summary: "List an app's environments",
    permission: { resource: "environment", action: "read_environment", scope: "all" },
    body: listEnvironmentsBody,
    data: z.array(environmentSchema),
    handler: (ctx, body) => listEnvironments(ctx, body),
  });
  defineRoute(app, makeContext, {
    operation: "environments.updateSettings",
    summary: "Change build, runtime and region settings; omitted fields stay, null clears",
    permission: { resource: "environment", action: "update_environment", scope: "object" },
    body: updateSettingsBody,
    data: emptyResponseSchema,
    handler: async (ctx, body) => {
      await updateSettings(ctx, body);
      return {};
    },
  });
  defineRoute(app, makeContext, {
    operation: "environments.setEnvironmentVariables",
    summary: "Upsert environment variables atomically; prune deletes the rest",
    permission: { resource: "environment", action: "set_environment_variables", scope: "object" },
    body: setEnvironmentVariablesBody,
    data: emptyResponseSchema,
    handler: async (ctx, body) => {
      await setEnvironmentVariables(ctx, body);
      return {};
    },
  });
  defineListRoute(app, makeContext, {
    operation: "environments.listEnvironmentVariables",
    summary: "List variables; values only for recoverable ones",
    permission: { resource: "environment", action: "read_environment_variables", scope: "object" },
    body: listEnvironmentVariablesBody,
    data: environmentVariableSchema,
    handler: (ctx, body) => listEnvironmentVariables(ctx, body),
  });
  defineRoute(app, makeContext, {
    operation: "environments.removeEnvironmentVariables",
    summary: "Remove variables by key, all or none",
    permission: {
      resource: "environment",
      action: "remove_environment_variables",
      scope: "object",
    },
    body: removeEnvironmentVariablesBody,
    data: emptyResponseSchema,
    handler: async (ctx, body) => {
      await removeEnvironmentVariables(ctx, body);
      return {};
    },
  });
}
