import { randomBytes, timingSafeEqual } from "node:crypto";
import { AppError } from "@slipway/shared";
import { asc, inArray, lte } from "drizzle-orm";
import { githubInstallations, githubSignInStates } from "../db/schema/index.js";
import type { GitHubUserAuthorization } from "../github/github-user-authorization.js";
import { signInStateTtlMs, signSignInState, verifySignInState } from "../github/sign-in-state.js";
import { createGitHubSession, type SessionDependencies } from "./sessions.js";

export interface GitHubSignInDependencies extends SessionDependencies {
  githubUsers: GitHubUserAuthorization | undefined;
  stateKey: Buffer;
  webUrl: string;
}

/** The cookie that binds a sign-in to the browser that started it. */
export const SIGN_IN_COOKIE = "slipway_github_sign_in";

function requireSignIn(deps: GitHubSignInDependencies): GitHubUserAuthorization {
  if (!deps.githubUsers) {
    throw new AppError(
      "not_found",
      "GitHub sign-in is not configured on this Slipway: set GITHUB_CLIENT_ID and GITHUB_CLIENT_SECRET (the GitHub App's OAuth client). Sign in with a root key instead.",
    );
  }
  return deps.githubUsers;
}

/** `/auth/github/start`: GitHub's authorize page for this browser, with a fresh signed state. */
export function startGitHubSignIn(deps: GitHubSignInDependencies, callbackUrl: string) {
  const githubUsers = requireSignIn(deps);
  const nonce = randomBytes(24).toString("base64url");
  const expiresAt = deps.clock().getTime() + signInStateTtlMs;
  const url = new URL("/login/oauth/authorize", deps.webUrl);
  url.searchParams.set("client_id", githubUsers.clientId);
  url.searchParams.set("redirect_uri", callbackUrl);
  url.searchParams.set("state", signSignInState(deps.stateKey, { nonce, expiresAt }));
  return { redirectTo: url.toString(), nonce, expiresAt };
}

const badState = (reason: string) =>
  new AppError("bad_request", `The GitHub sign-in is not valid: ${reason}.`, {
    errors: [{ location: "query.state", message: reason }],
  });

/**
 * GitHub's callback. Signs the person in only when all hold: the state is signed and unexpired,
 * this browser started it (its cookie), it was not used before (used now, whatever follows), and
 * the GitHub user can access an installation of the App bound to a workspace: the session is in
 * the workspace of the first such installation by binding time.
 */
export async function finishGitHubSignIn(
  deps: GitHubSignInDependencies,
  input: { state: string; code: string; browserNonce: string | undefined },
  requestId: string,
) {
  const githubUsers = requireSignIn(deps);
  const now = deps.clock();
  const state = verifySignInState(deps.stateKey, input.state, now.getTime());
  if (!state.ok) throw badState(state.reason);
  const fromThisBrowser =
    input.browserNonce !== undefined &&
    input.browserNonce.length === state.nonce.length &&
    timingSafeEqual(Buffer.from(input.browserNonce), Buffer.from(state.nonce));
  if (!fromThisBrowser) {
    throw new AppError(
      "bad_request",
      "Finish signing in in the browser that started it (open /auth/github/start again).",
      { errors: [{ location: "cookie", message: "this browser did not start this sign-in" }] },
    );
  }
  await deps.db.delete(githubSignInStates).where(lte(githubSignInStates.expiresAt, now));
  const [claimed] = await deps.db
    .insert(githubSignInStates)
    .values({ nonce: state.nonce, expiresAt: new Date(state.expiresAt) })
    .onConflictDoNothing()
    .returning();
  if (!claimed) throw badState("it was used already; start again");

  const user = await githubUsers.signedInUser(input.code);
  if (!user) {
    throw new AppError("unauthorized", "GitHub did not accept the authorization; sign in again.");
  }
  const [binding] =
    user.installationIds.length === 0
      ? []
      : await deps.db
          .select()
          .from(githubInstallations)
          .where(inArray(githubInstallations.installationId, user.installationIds))
          .orderBy(asc(githubInstallations.createdAt), asc(githubInstallations.installationId))
          .limit(1);
  if (!binding) {
    throw new AppError(
      "forbidden",
      `The GitHub user ${user.login} cannot access any installation of the App that a Slipway workspace uses. Ask a workspace's owner to install the App on an account you belong to, or sign in with a root key.`,
    );
  }
  return createGitHubSession(
    deps,
    {
      workspaceId: binding.workspaceId,
      user: { id: user.id, login: user.login },
      installationId: binding.installationId,
    },
    requestId,
  );
}
