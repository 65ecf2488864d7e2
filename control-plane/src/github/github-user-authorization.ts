import { GitHubApiError } from "./github-api-error.js";

/** A GitHub user who authorized the App, and the App's installations they can access. */
export interface GitHubSignedInUser {
  /** GitHub's numeric user id (stable across renames), as a string. */
  id: string;
  login: string;
  installationIds: string[];
}

/**
 * The App's user authorization, as GitHub documents it for verifying who finished an install
 * and for signing people in: a browser's `code` is exchanged for that user's token, and the
 * user's installations of the App say what they may reach. The token is used for these calls
 * only: never stored, logged or returned.
 */
export interface GitHubUserAuthorization {
  /** The App's OAuth client id, for the authorize URL sign-in sends the browser to. */
  readonly clientId: string;
  userCanAccessInstallation(input: { code: string; installationId: string }): Promise<boolean>;
  /** Who the `code` belongs to, or undefined when GitHub does not take it (used, foreign). */
  signedInUser(code: string): Promise<GitHubSignedInUser | undefined>;
}

const PAGE_SIZE = 100;
const MAX_PAGES = 10;
const REQUEST_TIMEOUT_MS = 30_000;

export function createGitHubUserAuthorization(config: {
  clientId: string;
  clientSecret: string;
  webUrl: string;
  apiUrl: string;
  fetch?: typeof fetch;
}): GitHubUserAuthorization {
  const request = config.fetch ?? fetch;
  const call = (url: string, init: RequestInit) =>
    request(url, { ...init, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  const asUser = (token: string) => ({
    accept: "application/vnd.github+json",
    authorization: `Bearer ${token}`,
  });

  async function userToken(code: string): Promise<string | undefined> {
    const response = await call(new URL("/login/oauth/access_token", config.webUrl).toString(), {
      method: "POST",
      headers: { accept: "application/json", "content-type": "application/json" },
      body: JSON.stringify({
        client_id: config.clientId,
        client_secret: config.clientSecret,
        code,
      }),
    });
    if (!response.ok) {
      throw new GitHubApiError(`GitHub refused to exchange the code (${response.status})`);
    }
    const body = (await response.json()) as { access_token?: unknown };
    // GitHub answers 200 with `{ error: "bad_verification_code" }` for a used or foreign code.
    return typeof body.access_token === "string" ? body.access_token : undefined;
  }

  /** The user's installations of the App, page by page until `found` says stop (≤ 1000). */
  async function scanInstallations(token: string, found: (ids: string[]) => boolean) {
    for (let page = 1; page <= MAX_PAGES; page++) {
      const url = new URL("/user/installations", config.apiUrl);
      url.searchParams.set("per_page", String(PAGE_SIZE));
      url.searchParams.set("page", String(page));
      const response = await call(url.toString(), { headers: asUser(token) });
      if (!response.ok) {
        throw new GitHubApiError(`could not list the user's installations (${response.status})`);
      }
      const body = (await response.json()) as { installations?: Array<{ id: number }> };
      const installations = body.installations ?? [];
      if (found(installations.map((installation) => String(installation.id)))) return;
      if (installations.length < PAGE_SIZE) return;
    }
  }

  return {
    clientId: config.clientId,
    async userCanAccessInstallation({ code, installationId }) {
      const token = await userToken(code);
      if (!token) return false;
      let accessible = false;
      await scanInstallations(token, (ids) => {
        accessible = ids.includes(installationId);
        return accessible;
      });
      return accessible;
    },
    async signedInUser(code) {
      const token = await userToken(code);
      if (!token) return undefined;
      const response = await call(new URL("/user", config.apiUrl).toString(), {
        headers: asUser(token),
      });
      if (!response.ok) {
        throw new GitHubApiError(`could not read the signed-in GitHub user (${response.status})`);
      }
      const user = (await response.json()) as { id?: unknown; login?: unknown };
      if (typeof user.id !== "number" || typeof user.login !== "string") {
        throw new GitHubApiError("GitHub's /user answer has no id and login");
      }
      const installationIds: string[] = [];
      await scanInstallations(token, (ids) => {
        installationIds.push(...ids);
        return false;
      });
      return { id: String(user.id), login: user.login, installationIds };
    },
  };
}
