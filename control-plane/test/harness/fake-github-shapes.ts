import type { components } from "@octokit/openapi-types";

export type Schemas = components["schemas"];

/** What a fake endpoint answers: an HTTP status and a JSON body. */
export type FakeAnswer = [status: number, body: unknown];

/** A request as the fake's endpoint modules see it. */
export interface FakeRequest {
  method: string;
  path: string;
  url: URL;
  body: Record<string, unknown> | undefined;
}

export const fakeApiUrl = "https://api.github.com";

/** A GitHub user (or bot) in the shape every REST answer embeds. */
export function githubUser(
  login: string,
  type: "User" | "Bot",
  id: number,
): Schemas["simple-user"] {
  const url = `${fakeApiUrl}/users/${encodeURIComponent(login)}`;
  return {
    login,
    id,
    node_id: `U_${id}`,
    avatar_url: `https://avatars.githubusercontent.com/u/${id}`,
    gravatar_id: "",
    url,
    html_url: `https://github.com/${encodeURIComponent(login)}`,
    followers_url: `${url}/followers`,
    following_url: `${url}/following{/other_user}`,
    gists_url: `${url}/gists{/gist_id}`,
    starred_url: `${url}/starred{/owner}{/repo}`,
    subscriptions_url: `${url}/subscriptions`,
    organizations_url: `${url}/orgs`,
    repos_url: `${url}/repos`,
    events_url: `${url}/events{/privacy}`,
    received_events_url: `${url}/received_events`,
    type,
    site_admin: false,
  };
}

/** The App's bot user, as GitHub shows it on what the App writes. */
export const appBot = githubUser("slipway-test[bot]", "Bot", 8800);

/** The page `?page=&per_page=` asks for, as GitHub's list endpoints cut them. */
export function pageOf<T>(items: T[], url: URL): T[] {
  const perPage = Math.min(Number(url.searchParams.get("per_page") ?? 30), 100);
  const page = Number(url.searchParams.get("page") ?? 1);
  return items.slice((page - 1) * perPage, page * perPage);
}
