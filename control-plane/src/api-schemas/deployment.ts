import { apiDeploymentStatuses, deploymentActions, deploymentErrorCodes } from "@slipway/shared";
import { z } from "zod";
import { branchNameSchema, cursorSchema, identifierSchema } from "./common.js";
import { runtimeResponseSchema } from "./environment.js";

export const deploymentSchema = z.object({
  id: z.string(),
  status: z.enum(apiDeploymentStatuses),
  /** Slipway: a preview scaled to zero for want of requests (shown as `ready`; it wakes on one). */
  idle: z.literal(true).optional(),
  isCurrent: z.boolean(),
  environment: z.string(),
  app: z.string(),
  project: z.string(),
  git: z
    .object({
      commitSha: z.string(),
      branch: z.string().optional(),
      /** Slipway: the commit's author (GitHub login, else the git author name), as the SDK's `V2DeployGitCommit.authorHandle`. */
      authorHandle: z.string().optional(),
      /** Slipway: the commit message's first line, as `V2DeployGitCommit.commitMessage`. */
      commitMessage: z.string().optional(),
    })
    .optional(),
  docker: z.object({ image: z.string() }).optional(),
  availableActions: z.array(z.enum(deploymentActions)),
  regions: z.array(z.string()),
  error: z
    .object({ code: z.enum(deploymentErrorCodes), step: z.string(), message: z.string() })
    .optional(),
  domains: z.array(z.string()).optional(),
  /** Slipway: the domains as URLs people open, with Sentinel's scheme and port. */
  urls: z.array(z.string()).optional(),
  /** Slipway: why a `skipped` deployment did not run (watch paths, auto-deploy off). */
  skipReason: z.string().optional(),
  runtime: runtimeResponseSchema.omit({ openapiSpecPath: true }),
  createdAt: z.number(),
  updatedAt: z.number().optional(),
});

export const getDeploymentBody = z.strictObject({ deploymentId: z.string().min(1).max(255) });
export const listDeploymentsBody = z
  .strictObject({
    project: identifierSchema.optional(),
    app: identifierSchema.optional(),
    environment: identifierSchema.optional(),
    status: z.array(z.enum(apiDeploymentStatuses)).max(apiDeploymentStatuses.length).optional(),
    limit: z.number().int().min(1).max(100).default(100),
    cursor: cursorSchema,
  })
  .refine((body) => !body.app || body.project, {
    message: "app needs project: an app slug is only unique inside its project",
    path: ["app"],
  })
  .refine((body) => !body.environment || (body.project && body.app), {
    message: "environment needs project and app",
    path: ["environment"],
  });

/** Slipway: `deployments.getDeploymentLogs`, paged by line number. */
export const getDeploymentLogsBody = z.strictObject({
  deploymentId: z.string().min(1).max(255),
  limit: z.number().int().min(1).max(1000).default(200),
  cursor: cursorSchema,
});

export const deploymentLogLineSchema = z.object({
  seq: z.number().int(),
  timestamp: z.number(),
  step: z.string(),
  stream: z.enum(["stdout", "stderr", "system"]),
  message: z.string(),
});

/** `deployments.createDeployment`: exactly one of git, image, deployment (checked by the service). */
export const createDeploymentBody = z.strictObject({
  project: identifierSchema,
  app: identifierSchema,
  environment: identifierSchema,
  git: z
    .strictObject({
      branch: branchNameSchema.optional(),
      commitSha: z.string().min(1).max(64).optional(),
      repository: z.string().min(3).max(255).optional(),
    })
    .optional(),
  image: z.strictObject({ dockerImage: z.string().min(1).max(512) }).optional(),
  deployment: z.strictObject({ deploymentId: z.string().min(1).max(255) }).optional(),
});

export const createDeploymentData = z.object({ deploymentId: z.string() });
