import { AppError } from "@slipway/shared";
import { eq } from "drizzle-orm";
import type { Database } from "../db/client.js";
import { githubInstallations } from "../db/schema/index.js";
import type { GitHubApi } from "../github/github-api.js";
import {
  installStateTtlMs,
  signInstallState,
  verifyInstallState,
} from "../github/install-state.js";

export interface InstallationDependencies {
  db: Database;
  github: GitHubApi | undefined;
  stateKey: Buffer;
  appSlug: string | undefined;
  webUrl: string;
  now: () => number;
}

/** `github.installApp`: a link that installs the App and comes back bound to this workspace. */
export function installAppLink(deps: InstallationDependencies, workspaceId: string) {
  if (!deps.appSlug || !deps.github) {
    throw new AppError(
      "service_unavailable",
      "The GitHub App is not configured on this Slipway (GITHUB_APP_SLUG, GITHUB_APP_ID).",
    );
  }
  const expiresAt = deps.now() + installStateTtlMs;
  const state = signInstallState(deps.stateKey, workspaceId, expiresAt);
  const url = new URL(`/apps/${deps.appSlug}/installations/new`, deps.webUrl);
  url.searchParams.set("state", state);
  return { url: url.toString(), expiresAt };
}

/**
 * GitHub's setup callback: binds the installation to the workspace named by the signed state,
 * after asking GitHub that the installation exists. An installation belongs to one workspace.
 */
export async function completeInstallation(
  deps: InstallationDependencies,
  input: { installationId: string; state: string },
) {
  if (!deps.github)
    throw new AppError("service_unavailable", "The GitHub App is not configured on this Slipway.");
  if (!/^\d+$/.test(input.installationId)) {
    throw new AppError("bad_request", "installation_id must be GitHub's numeric installation id.", {
      errors: [{ location: "query.installation_id", message: "must be a number" }],
    });
  }
  const state = verifyInstallState(deps.stateKey, input.state, deps.now());
  if (!state.ok) {
    throw new AppError("bad_request", `The install link is not valid: ${state.reason}.`, {
      errors: [{ location: "query.state", message: state.reason }],
    });
  }
  const installation = await deps.github.getInstallation(input.installationId);
  if (!installation)
    throw new AppError(
      "not_found",
      `GitHub knows no installation ${input.installationId} of this App.`,
    );
  const [existing] = await deps.db
    .select()
    .from(githubInstallations)
    .where(eq(githubInstallations.installationId, installation.id));
  if (existing && existing.workspaceId !== state.workspaceId) {
    throw new AppError(
      "conflict",
      `Installation ${installation.id} already belongs to another workspace.`,
    );
  }
  if (!existing) {
    await deps.db
      .insert(githubInstallations)
      .values({
        installationId: installation.id,
        workspaceId: state.workspaceId,
        accountLogin: installation.accountLogin,
        createdAt: new Date(deps.now()),
      })
      .onConflictDoNothing();
  }
  return {
    installationId: installation.id,
    account: installation.accountLogin,
    workspaceId: state.workspaceId,
  };
}
