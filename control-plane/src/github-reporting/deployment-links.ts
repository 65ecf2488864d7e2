/**
 * Pure: where a deployment answers and where its log is, as links shown on GitHub (the GitHub
 * deployment's environment_url and log_url, the pull request comment's Preview column).
 */

/**
 * The address a person opens: the environment's verified domains while this deployment serves
 * production, otherwise its own hostnames (a preview's per-branch and per-deployment names).
 */
export function deploymentUrl(deployment: {
  environmentKind: "production" | "preview";
  isCurrent: boolean;
  hostnames: readonly string[];
  verifiedDomains: readonly string[];
}): string | undefined {
  const serving =
    deployment.environmentKind === "production" && deployment.isCurrent
      ? [...deployment.verifiedDomains, ...deployment.hostnames]
      : deployment.hostnames;
  const [first] = serving;
  return first ? `https://${first}` : undefined;
}

/**
 * The page showing a deployment's log, when Slipway's public address is configured. The
 * deployment's own log token is part of the link: the page serves no one who lacks it.
 */
export function deploymentLogUrl(
  publicUrl: string | undefined,
  deployment: { id: string; logToken: string },
): string | undefined {
  if (!publicUrl) return undefined;
  return `${publicUrl.replace(/\/+$/, "")}/deployments/${encodeURIComponent(deployment.id)}/logs?token=${encodeURIComponent(deployment.logToken)}`;
}
