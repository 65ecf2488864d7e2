import type { FastifyInstance } from "fastify";
import { z } from "zod";
import {
  appRefBody,
  appSchema,
  createAppBody,
  listAppsBody,
  updateAppBody,
} from "../api-schemas/app.js";
import { emptyResponseSchema } from "../api-schemas/common.js";
import {
  listRepositoryBranchesBody,
  listRepositoryCommitsBody,
  repositoryBranchSchema,
  repositoryCommitSchema,
} from "../api-schemas/repository.js";
import { type ContextFactory, defineListRoute, defineRoute } from "../http/define-route.js";
import { createApp, deleteApp, getApp, listApps, updateApp } from "../services/apps.js";
import { listRepositoryBranches, listRepositoryCommits } from "../services/repository-refs.js";

export function appRoutes(app: FastifyInstance, makeContext: ContextFactory) {
  defineRoute(app, makeContext, {
    operation: "apps.createApp",
    summary: "Create an app with its production and preview environments",
    permission: { resource: "project", action: "create_app", scope: "object" },
    body: createAppBody,
    data: z.object({ appId: z.string() }),
    handler: (ctx, body) => createApp(ctx, body),
  });
  defineRoute(app, makeContext, {
    operation: "apps.getApp",
    summary: "Get an app by id or slug",
    permission: { resource: "app", action: "read_app", scope: "object" },
    body: appRefBody,
    data: appSchema,
    handler: (ctx, body) => getApp(ctx, body),
  });
  defineListRoute(app, makeContext, {
    operation: "apps.listApps",
    summary: "List a project's apps, ordered by id",
    permission: { resource: "app", action: "read_app", scope: "all" },
    body: listAppsBody,
    data: appSchema,
    handler: (ctx, body) => listApps(ctx, body),
  });
  defineRoute(app, makeContext, {
    operation: "apps.updateApp",
    summary: "Change an app's name, slug, repository or delete protection",
    permission: { resource: "app", action: "update_app", scope: "object" },
    body: updateAppBody,
    data: appSchema,
    handler: (ctx, body) => updateApp(ctx, body),
  });
  defineRoute(app, makeContext, {
    operation: "apps.deleteApp",
    successStatus: 202,
    summary: "Delete an app, its environments, variables, domains and deployments",
    permission: { resource: "app", action: "delete_app", scope: "object" },
    body: appRefBody,
    data: emptyResponseSchema,
    handler: async (ctx, body) => {
      await deleteApp(ctx, body);
      return {};
    },
  });
  defineListRoute(app, makeContext, {
    operation: "apps.listRepositoryBranches",
    summary: "Slipway: the connected repository's branches, read by the GitHub App",
    permission: { resource: "app", action: "read_app", scope: "object" },
    body: listRepositoryBranchesBody,
    data: repositoryBranchSchema,
    handler: (ctx, body) => listRepositoryBranches(ctx, body),
  });
  defineListRoute(app, makeContext, {
    operation: "apps.listRepositoryCommits",
    summary: "Slipway: a branch's commits in the connected repository, newest first",
    permission: { resource: "app", action: "read_app", scope: "object" },
    body: listRepositoryCommitsBody,
    data: repositoryCommitSchema,
    handler: (ctx, body) => listRepositoryCommits(ctx, body),
  });
}
