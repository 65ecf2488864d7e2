import type { EnvironmentKind } from "@slipway/shared";
import type { WatchPathVerdict } from "./watch-paths.js";

export const zeroSha = "0000000000000000000000000000000000000000";

/** The parts of a push payload the pipeline reads. */
export interface PushFacts {
  ref: string;
  before: string;
  after: string;
  created: boolean;
  deleted: boolean;
  repository: string;
  headCommitMessage: string | undefined;
  author: string | undefined;
}

export interface EnvironmentTarget {
  id: string;
  kind: EnvironmentKind;
  autoDeploy: boolean;
  watchPaths: string[];
}

export type PushDecision =
  | { kind: "ignore"; reason: string }
  | {
      kind: "deploy";
      environment: EnvironmentTarget;
      branch: string;
      status: "pending" | "skipped";
      skipReason?: string;
    };

/** Pure: the branch a ref names, or undefined for tags and other refs. */
export function branchOf(ref: string): string | undefined {
  return ref.startsWith("refs/heads/") ? ref.slice("refs/heads/".length) : undefined;
}

/**
 * Pure: what one push means for one app. The production branch deploys to production, any
 * other branch to preview; tags and branch creation or deletion deploy nothing; auto-deploy
 * off and unmatched watch paths record a skipped deployment with its reason.
 */
export function decidePush(
  push: PushFacts,
  app: { productionBranch: string; production: EnvironmentTarget; preview: EnvironmentTarget },
  /** Whether the push touches an environment's watch paths (matched before deciding). */
  watchPathVerdict: (environment: EnvironmentTarget) => WatchPathVerdict,
): PushDecision {
  const branch = branchOf(push.ref);
  if (!branch) return { kind: "ignore", reason: `${push.ref} is not a branch` };
  if (push.deleted || push.after === zeroSha)
    return { kind: "ignore", reason: `branch ${branch} was deleted` };
  if (push.created || push.before === zeroSha)
    return { kind: "ignore", reason: `branch ${branch} was created` };
  const environment = branch === app.productionBranch ? app.production : app.preview;
  if (!environment.autoDeploy) {
    return {
      kind: "deploy",
      environment,
      branch,
      status: "skipped",
      skipReason: `Auto-deploy is off for the ${environment.kind} environment; deploy this commit with deployments.createDeployment.`,
    };
  }
  const verdict = watchPathVerdict(environment);
  if (!verdict.matches)
    return { kind: "deploy", environment, branch, status: "skipped", skipReason: verdict.reason };
  return { kind: "deploy", environment, branch, status: "pending" };
}
