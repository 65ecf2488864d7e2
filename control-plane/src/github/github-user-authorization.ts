import { GitHubApiError } from "./github-api-error.js";

/**
 * The App's user authorization, as GitHub documents it for verifying who finished an install:
 * the setup callback's `code` is exchanged for that user's token, and the user's installations
 * of the App say whether they may bind this one. The token is used for these calls only: never
 * stored, logged or returned.
 */
export interface GitHubUserAuthorization {
  userCanAccessInstallation(input: { code: string; installationId: string }): Promise<boolean>;
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

  return {
    async userCanAccessInstallation({ code, installationId }) {
      const token = await userToken(code);
      if (!token) return false;
      for (let page = 1; page <= MAX_PAGES; page++) {
        const url = new URL("/user/installations", config.apiUrl);
        url.searchParams.set("per_page", String(PAGE_SIZE));
        url.searchParams.set("page", String(page));
        const response = await call(url.toString(), {
          headers: { accept: "application/vnd.github+json", authorization: `Bearer ${token}` },
        });
        if (!response.ok) {
          throw new GitHubApiError(`could not list the user's installations (${response.status})`);
        }
        const body = (await response.json()) as { installations?: Array<{ id: number }> };
        const installations = body.installations ?? [];
        if (installations.some((installation) => String(installation.id) === installationId)) {
          return true;
        }
        if (installations.length < PAGE_SIZE) return false;
      }
      return false;
    },
  };
}
