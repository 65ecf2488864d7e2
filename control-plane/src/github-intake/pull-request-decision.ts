/** The parts of a pull_request payload the pipeline reads. */
export interface PullRequestFacts {
  action: string;
  number: number;
  headSha: string;
  headBranch: string;
  headRepository: string;
  baseRepository: string;
  author: string;
}

export type PullRequestDecision =
  | { kind: "ignore"; reason: string }
  | { kind: "stop-previews" }
  | { kind: "deploy"; status: "pending" | "awaiting_approval"; forkRepository: string };

export const isFork = (pr: Pick<PullRequestFacts, "headRepository" | "baseRepository">) =>
  pr.headRepository.toLowerCase() !== pr.baseRepository.toLowerCase();

/**
 * Pure: what a pull_request event means. A same-repository branch is already deployed by its
 * push, so only forks (whose pushes never reach the base repository) deploy from here, and a
 * fork by someone without write access waits for a member's approval.
 */
export function decidePullRequest(
  pr: PullRequestFacts,
  authorCanWrite: boolean,
): PullRequestDecision {
  if (pr.action === "closed") return { kind: "stop-previews" };
  if (!["opened", "synchronize", "reopened"].includes(pr.action)) {
    return { kind: "ignore", reason: `pull_request ${pr.action} does not deploy` };
  }
  if (!isFork(pr)) return { kind: "ignore", reason: `the push of ${pr.headBranch} deploys it` };
  return {
    kind: "deploy",
    status: authorCanWrite ? "pending" : "awaiting_approval",
    forkRepository: pr.headRepository,
  };
}
