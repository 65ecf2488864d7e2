import { expect } from "vitest";
import type { TestApi } from "./api.js";

/** A signed-in dashboard tab: the cookie the browser keeps and the CSRF token the page holds. */
export interface BrowserSession {
  /** `slipway_session=<token>`, as the browser sends it back. */
  cookie: string;
  /** The whole `Set-Cookie` the sign-in answered. */
  setCookie: string;
  csrfToken: string;
  sessionId: string;
  token: string;
}

/** The sign-in page posting a root key (same-origin fetch, as the dashboard does). */
export async function signInWithRootKey(
  api: TestApi,
  rootKey: string,
  headers: Record<string, string> = {},
): Promise<BrowserSession> {
  const response = await api.post("/v2/sessions.createSession", { rootKey }, undefined, {
    origin: api.url,
    "sec-fetch-site": "same-origin",
    ...headers,
  });
  const text = await response.text();
  expect(response.status, text).toBe(200);
  return sessionFrom(api, response.headers.get("set-cookie") ?? "", JSON.parse(text).data);
}

/** The session a `Set-Cookie` and a createSession/getSession answer describe. */
export function sessionFrom(
  api: TestApi,
  setCookie: string,
  data: { sessionId: string; csrfToken: string },
): BrowserSession {
  const cookie = setCookie.split(";")[0]!;
  const token = cookie.slice(cookie.indexOf("=") + 1);
  api.secrets.add(token);
  api.secrets.add(data.csrfToken);
  return { cookie, setCookie, csrfToken: data.csrfToken, sessionId: data.sessionId, token };
}

/**
 * A call the dashboard page makes: same-origin, the cookie, and the CSRF header (`headers`
 * overrides or, with `undefined` values, removes any of them).
 */
export function sessionPost(
  api: TestApi,
  session: BrowserSession,
  path: string,
  body: unknown = {},
  headers: Record<string, string | undefined> = {},
): Promise<Response> {
  const merged: Record<string, string | undefined> = {
    "content-type": "application/json",
    cookie: session.cookie,
    "x-slipway-csrf": session.csrfToken,
    origin: api.url,
    "sec-fetch-site": "same-origin",
    ...headers,
  };
  const sent = Object.fromEntries(
    Object.entries(merged).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
  return fetch(`${api.url}${path}`, { method: "POST", headers: sent, body: JSON.stringify(body) });
}
