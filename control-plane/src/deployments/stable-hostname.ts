import { createHash } from "node:crypto";

const MAX_LABEL = 63;
/**
 * Twelve hex characters: the last dash-separated part of a stable name is never as long as a
 * branch name's hash (8) or a deployment name's id body (26), so no per-deployment or
 * per-branch name, whatever slug or branch a workspace picks, can spell an environment's name.
 */
const HASH_LENGTH = 12;

/**
 * Pure: an environment's stable hostname, `<app>-<env>-<hash>.<preview domain>`, one DNS label
 * deep so that one wildcard certificate covers it. It answers with the app's current
 * deployment, so it follows promote and rollback. Slugs repeat across workspaces and projects;
 * the hash of the environment's id (server-made, unique) keeps two environments apart, and the
 * database's unique index on the stored name makes sure of it.
 */
export function stableHostname(input: {
  appSlug: string;
  environmentSlug: string;
  environmentId: string;
  previewDomain: string;
}): string {
  const hash = createHash("sha256").update(input.environmentId).digest("hex").slice(0, HASH_LENGTH);
  const readable = `${input.appSlug}-${input.environmentSlug}`
    .slice(0, MAX_LABEL - HASH_LENGTH - 1)
    .replace(/-+$/g, "");
  return `${readable}-${hash}.${input.previewDomain}`;
}
