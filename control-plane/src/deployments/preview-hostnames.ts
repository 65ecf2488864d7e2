import { createHash } from "node:crypto";

const MAX_LABEL = 63;

/** Lowercase, anything outside [a-z0-9-] becomes a dash, no leading/trailing/double dashes. */
function slugify(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/-+/g, "-")
    .replace(/^-|-$/g, "");
}

const trimDashes = (text: string) => text.replace(/-+$/g, "");

export interface PreviewHostnames {
  /** Follows the newest ready deployment of the branch; absent without a branch. */
  branch?: string;
  /** This deployment's own name, for ever. */
  deployment: string;
}

/**
 * Pure: a preview's hostnames under the preview domain, each one DNS label deep.
 * The branch name carries a hash of the app, the environment and the exact branch, so apps of
 * different workspaces with the same slug, two non-production environments of one app, or
 * branches that slugify alike never share a hostname.
 */
export function previewHostnames(input: {
  appId: string;
  appSlug: string;
  environmentId: string;
  branch: string | null;
  deploymentId: string;
  previewDomain: string;
}): PreviewHostnames {
  const idBody = input.deploymentId.slice(input.deploymentId.indexOf("_") + 1).toLowerCase();
  const deploymentLabel = `${trimDashes(input.appSlug.slice(0, MAX_LABEL - idBody.length - 1))}-${idBody}`;
  const result: PreviewHostnames = { deployment: `${deploymentLabel}.${input.previewDomain}` };
  if (input.branch) {
    const hash = createHash("sha256")
      .update(`${input.appId}\0${input.environmentId}\0${input.branch}`)
      .digest("hex")
      .slice(0, 8);
    const readable = trimDashes(
      `${input.appSlug}-git-${slugify(input.branch)}`.slice(0, MAX_LABEL - hash.length - 1),
    );
    result.branch = `${readable}-${hash}.${input.previewDomain}`;
  }
  return result;
}
