import { z } from "zod";
import {
  cursorSchema,
  identifierSchema,
  limitSchema,
  nameSchema,
  searchSchema,
  slugSchema,
} from "./common.js";

export const projectSchema = z.object({
  id: z.string(),
  name: z.string(),
  slug: z.string(),
  createdAt: z.number(),
  updatedAt: z.number().optional(),
  deleteProtection: z.boolean(),
});

export const createProjectBody = z.strictObject({ name: nameSchema, slug: slugSchema });
export const projectRefBody = z.strictObject({ project: identifierSchema });
export const listProjectsBody = z.strictObject({
  limit: limitSchema,
  cursor: cursorSchema,
  search: searchSchema,
});
export const updateProjectBody = z.strictObject({
  project: identifierSchema,
  slug: slugSchema.optional(),
  name: nameSchema.optional(),
  deleteProtection: z.boolean().optional(),
});
