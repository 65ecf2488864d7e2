import { callOperationEnvelope, type ListPage } from "./http";

/** Slipway's `apps.listRepositoryBranches` / `apps.listRepositoryCommits` (the manual deploy dialog). */
export interface RepositoryBranch {
  name: string;
  commitSha: string;
  protected: boolean;
}

export interface RepositoryCommit {
  commitSha: string;
  commitMessage: string;
  authorHandle?: string;
  timestamp?: number;
}

export const repository = {
  listBranches: (body: { project: string; app: string; cursor?: string }) =>
    callOperationEnvelope<ListPage<RepositoryBranch>>("apps.listRepositoryBranches", body),
  listCommits: (body: { project: string; app: string; branch: string; cursor?: string }) =>
    callOperationEnvelope<ListPage<RepositoryCommit>>("apps.listRepositoryCommits", {
      limit: 30,
      ...body,
    }),
};
