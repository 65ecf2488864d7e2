import { PermanentJobError } from "../jobs/job-types.js";
import type { PullRequestFacts } from "./pull-request-decision.js";
import type { PushFacts } from "./push-decision.js";

type Json = Record<string, unknown>;

const object = (value: unknown, what: string): Json => {
  if (typeof value !== "object" || value === null)
    throw new PermanentJobError(`webhook payload lacks ${what}`);
  return value as Json;
};
const string = (value: unknown, what: string): string => {
  if (typeof value !== "string") throw new PermanentJobError(`webhook payload lacks ${what}`);
  return value;
};

export interface PushCommit {
  added?: string[];
  modified?: string[];
  removed?: string[];
}

/** Pure: the facts of a push payload, or a permanent error naming the missing field. */
export function readPush(payload: Json): PushFacts & { commits: PushCommit[] } {
  const repository = object(payload.repository, "repository");
  const headCommit = payload.head_commit as Json | null | undefined;
  const pusher = payload.pusher as Json | undefined;
  const author = (headCommit?.author as Json | undefined)?.username ?? pusher?.name;
  return {
    ref: string(payload.ref, "ref"),
    before: string(payload.before, "before"),
    after: string(payload.after, "after"),
    created: payload.created === true,
    deleted: payload.deleted === true,
    repository: string(repository.full_name, "repository.full_name"),
    headCommitMessage: typeof headCommit?.message === "string" ? headCommit.message : undefined,
    author: typeof author === "string" ? author : undefined,
    commits: Array.isArray(payload.commits) ? (payload.commits as PushCommit[]) : [],
  };
}

/** Pure: the facts of a pull_request payload. */
export function readPullRequest(payload: Json): PullRequestFacts & { title: string } {
  const pr = object(payload.pull_request, "pull_request");
  const head = object(pr.head, "pull_request.head");
  const base = object(pr.base, "pull_request.base");
  // A fork deleted after its PR was opened has no head repository any more.
  const headRepo = head.repo as Json | null;
  return {
    action: string(payload.action, "action"),
    number: Number(pr.number),
    headSha: string(head.sha, "pull_request.head.sha"),
    headBranch: string(head.ref, "pull_request.head.ref"),
    headRepository: headRepo ? string(headRepo.full_name, "head.repo.full_name") : "(deleted fork)",
    baseRepository: string(object(base.repo, "base.repo").full_name, "base.repo.full_name"),
    author: string(object(pr.user, "pull_request.user").login, "pull_request.user.login"),
    title: typeof pr.title === "string" ? pr.title : "",
  };
}
