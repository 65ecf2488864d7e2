import { z } from "zod";
import { branchNameSchema, identifierSchema } from "./common.js";

/** Slipway: `apps.listRepositoryBranches`, the connected repository's branches for a manual deploy. */
export const listRepositoryBranchesBody = z.strictObject({
  project: identifierSchema,
  app: identifierSchema,
  limit: z.number().int().min(1).max(100).default(100),
  /** The page to read next, as the previous answer's `pagination.cursor` gave it. */
  cursor: z
    .string()
    .regex(/^[1-9]\d{0,3}$/, "must be a cursor from a previous answer")
    .optional(),
});

export const repositoryBranchSchema = z.object({
  name: z.string(),
  commitSha: z.string(),
  protected: z.boolean(),
});

/** Slipway: `apps.listRepositoryCommits`, a branch's commits, newest first. */
export const listRepositoryCommitsBody = listRepositoryBranchesBody.extend({
  branch: branchNameSchema,
});

/** Named as the SDK's `V2DeployGitCommit` names the same facts. */
export const repositoryCommitSchema = z.object({
  commitSha: z.string(),
  commitMessage: z.string(),
  authorHandle: z.string().optional(),
  timestamp: z.number().optional(),
});
