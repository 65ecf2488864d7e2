import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { emptyResponseSchema } from "../api-schemas/common.js";
import {
  createProjectBody,
  listProjectsBody,
  projectRefBody,
  projectSchema,
  updateProjectBody,
} from "../api-schemas/project.js";
import { type ContextFactory, defineListRoute, defineRoute } from "../http/define-route.js";
import {
  createProject,
  deleteProject,
  getProject,
  listProjects,
  updateProject,
} from "../services/projects.js";

export function projectRoutes(app: FastifyInstance, makeContext: ContextFactory) {
  defineRoute(app, makeContext, {
    operation: "projects.createProject",
    summary: "Create a project",
    permission: { resource: "project", action: "create_project", scope: "all" },
    body: createProjectBody,
    data: z.object({ id: z.string() }),
    handler: (ctx, body) => createProject(ctx, body),
  });
  defineRoute(app, makeContext, {
    operation: "projects.getProject",
    summary: "Get a project by id or slug",
    permission: { resource: "project", action: "read_project", scope: "object" },
    body: projectRefBody,
    data: projectSchema,
    handler: (ctx, body) => getProject(ctx, body.project),
  });
  defineListRoute(app, makeContext, {
    operation: "projects.listProjects",
    summary: "List the workspace's projects, ordered by id",
    permission: { resource: "project", action: "read_project", scope: "all" },
    body: listProjectsBody,
    data: projectSchema,
    handler: (ctx, body) => listProjects(ctx, body),
  });
  defineRoute(app, makeContext, {
    operation: "projects.updateProject",
    summary: "Rename a project, change its slug or its delete protection",
    permission: { resource: "project", action: "update_project", scope: "object" },
    body: updateProjectBody,
    data: projectSchema,
    handler: (ctx, body) => updateProject(ctx, body),
  });
  defineRoute(app, makeContext, {
    operation: "projects.deleteProject",
    successStatus: 202,
    summary: "Delete a project and everything in it",
    permission: { resource: "project", action: "delete_project", scope: "object" },
    body: projectRefBody,
    data: emptyResponseSchema,
    handler: async (ctx, body) => {
      await deleteProject(ctx, body.project);
      return {};
    },
  });
}
