import type { GitHubApi } from "../github/github-api.js";
import type { JobContext } from "../jobs/job-context.js";

/** What the intake of a delivery needs: a job's context and the GitHub App's API. */
export interface IntakeContext extends JobContext {
  github: GitHubApi | undefined;
  /** How long a push stays claimed by its first delivery (`defaultReplayWindowMs` if unset). */
  replayWindowMs?: number;
}
