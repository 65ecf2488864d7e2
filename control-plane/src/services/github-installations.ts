import { randomBytes } from "node:crypto";
import { AppError } from "@slipway/shared";
import { and, eq, gt, isNull } from "drizzle-orm";
import type { Database } from "../db/client.js";
import { githubInstallations, githubInstallFlows } from "../db/schema/index.js";
import type { GitHubApi } from "../github/github-api.js";
import type { GitHubUserAuthorization } from "../github/github-user-authorization.js";
import {
  installStateTtlMs,
  signInstallState,
  verifyInstallState,
} from "../github/install-state.js";
import type { ServiceContext } from "./context.js";

export interface InstallationDependencies {
  db: Database;
  github: GitHubApi | undefined;
  githubUsers: GitHubUserAuthorization | undefined;
  stateKey: Buffer;
  appSlug: string | undefined;
  webUrl: string;
  now: () => number;
}

/** The cookie that binds an install flow to the browser that started it. */
export const INSTALL_COOKIE = "slipway_github_install";

function requireApp(deps: InstallationDependencies) {
  if (!deps.appSlug || !deps.github) {
    throw new AppError(
      "service_unavailable",
      "The GitHub App is not configured on this Slipway (GITHUB_APP_SLUG, GITHUB_APP_ID).",
    );
  }
  if (!deps.githubUsers) {
    throw new AppError(
      "service_unavailable",
      "The GitHub App's client (GITHUB_CLIENT_ID, GITHUB_CLIENT_SECRET) is not configured, so Slipway cannot verify who installs it.",
    );
  }
  return { appSlug: deps.appSlug, github: deps.github, githubUsers: deps.githubUsers };
}

/**
 * `github.installApp`: a link (on this Slipway, `origin`) that starts an install in the browser
 * that opens it. The flow is recorded, single-use, for an hour.
 */
export async function installAppLink(
  deps: InstallationDependencies,
  workspaceId: string,
  origin: string,
) {
  requireApp(deps);
  const expiresAt = deps.now() + installStateTtlMs;
  const nonce = randomBytes(24).toString("base64url");
  await deps.db.insert(githubInstallFlows).values({
    nonce,
    workspaceId,
    expiresAt: new Date(expiresAt),
    createdAt: new Date(deps.now()),
  });
  const state = signInstallState(deps.stateKey, { workspaceId, expiresAt, nonce });
  const url = new URL("/github/install", origin);
  url.searchParams.set("state", state);
  return { url: url.toString(), expiresAt };
}

function checkedState(deps: InstallationDependencies, state: string) {
  const checked = verifyInstallState(deps.stateKey, state, deps.now());
  if (!checked.ok) {
    throw new AppError("bad_request", `The install link is not valid: ${checked.reason}.`, {
      errors: [{ location: "query.state", message: checked.reason }],
    });
  }
  return checked;
}

/** `/github/install`: where the browser goes to GitHub from, with the flow's nonce as a cookie. */
export function startInstallInBrowser(deps: InstallationDependencies, state: string) {
  const { appSlug } = requireApp(deps);
  const checked = checkedState(deps, state);
  const url = new URL(`/apps/${appSlug}/installations/new`, deps.webUrl);
  url.searchParams.set("state", state);
  return { redirectTo: url.toString(), nonce: checked.nonce, expiresAt: checked.expiresAt };
}

/**
 * GitHub's setup callback. Binds the installation to the workspace that started the flow only
 * when all hold: the state is signed and unexpired, this browser started it (its cookie), the
 * flow was not used before (used now, whatever follows), and the GitHub user who finished the
 * install can access that installation (the App's user authorization, checked with GitHub). An
 * installation belongs to one workspace.
 */
export async function completeInstallation(
  deps: InstallationDependencies,
  input: { installationId: string; state: string; code?: string; browserNonce?: string },
) {
  const { github, githubUsers } = requireApp(deps);
  if (!/^\d+$/.test(input.installationId)) {
    throw new AppError("bad_request", "installation_id must be GitHub's numeric installation id.", {
      errors: [{ location: "query.installation_id", message: "must be a number" }],
    });
  }
  const state = checkedState(deps, input.state);
  if (input.browserNonce !== state.nonce) {
    throw new AppError(
      "bad_request",
      "Finish the installation in the browser that started it (open the link github.installApp returned).",
      { errors: [{ location: "cookie", message: "this browser did not start this install" }] },
    );
  }
  if (!input.code) {
    throw new AppError(
      "bad_request",
      "GitHub sent no authorization code: turn on 'Request user authorization (OAuth) during installation' in the App's settings.",
      { errors: [{ location: "query.code", message: "missing" }] },
    );
  }
  const [flow] = await deps.db
    .update(githubInstallFlows)
    .set({ usedAt: new Date(deps.now()) })
    .where(
      and(
        eq(githubInstallFlows.nonce, state.nonce),
        eq(githubInstallFlows.workspaceId, state.workspaceId),
        isNull(githubInstallFlows.usedAt),
        gt(githubInstallFlows.expiresAt, new Date(deps.now())),
      ),
    )
    .returning();
  if (!flow) {
    throw new AppError(
      "bad_request",
      "This install link was used already; start again with github.installApp.",
      { errors: [{ location: "query.state", message: "used already" }] },
    );
  }
  const allowed = await githubUsers.userCanAccessInstallation({
    code: input.code,
    installationId: input.installationId,
  });
  if (!allowed) {
    throw new AppError(
      "forbidden",
      `The GitHub user who finished this install cannot access installation ${input.installationId}.`,
    );
  }
  const installation = await github.getInstallation(input.installationId);
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

/**
 * The workspace's own GitHub App installations, the only ones its calls may read through;
 * a 412 that says what to do when it has none.
 */
export async function workspaceInstallationIds(
  ctx: Pick<ServiceContext, "db" | "workspaceId">,
): Promise<string[]> {
  const installations = await ctx.db
    .select({ id: githubInstallations.installationId })
    .from(githubInstallations)
    .where(eq(githubInstallations.workspaceId, ctx.workspaceId));
  if (installations.length === 0) {
    throw new AppError(
      "precondition_failed",
      "No GitHub App installation is linked to this workspace: install it (github.installApp) first.",
    );
  }
  return installations.map((row) => row.id);
}
