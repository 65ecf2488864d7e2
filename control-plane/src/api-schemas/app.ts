import { z } from "zod";
import {
  branchNameSchema,
  cursorSchema,
  identifierSchema,
  limitSchema,
  nameSchema,
  searchSchema,
  slugSchema,
} from "./common.js";

const repositorySchema = z
  .string()
  .regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, "must be a GitHub repository as owner/name");

export const appSchema = z.object({
  id: z.string(),
  name: z.string(),
  slug: z.string(),
  git: z.object({ repository: z.string(), defaultBranch: z.string().optional() }).optional(),
  currentDeploymentId: z.string().optional(),
  isRolledBack: z.boolean(),
  deleteProtection: z.boolean(),
  createdAt: z.number(),
  updatedAt: z.number().optional(),
});

export const createAppBody = z.strictObject({
  project: identifierSchema,
  name: nameSchema,
  slug: slugSchema,
  git: z
    .strictObject({ repository: repositorySchema, defaultBranch: branchNameSchema.optional() })
    .optional(),
});
export const appRefBody = z.strictObject({ project: identifierSchema, app: identifierSchema });
export const listAppsBody = z.strictObject({
  project: identifierSchema,
  limit: limitSchema,
  cursor: cursorSchema,
  search: searchSchema,
});
export const updateAppBody = z.strictObject({
  project: identifierSchema,
  app: identifierSchema,
  name: nameSchema.optional(),
  slug: slugSchema.optional(),
  git: z
    .strictObject({
      repository: repositorySchema.optional(),
      defaultBranch: branchNameSchema.optional(),
    })
    .nullable()
    .optional(),
  deleteProtection: z.boolean().optional(),
});
