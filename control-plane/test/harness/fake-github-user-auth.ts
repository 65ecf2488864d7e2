import { randomBytes } from "node:crypto";
import {
  type FakeAnswer,
  type FakeRequest,
  githubUser,
  type Schemas,
} from "./fake-github-shapes.js";

/**
 * The App's user authorization as GitHub runs it: a browser that finished an install brings a
 * `code`; POST /login/oauth/access_token (with the App's client id and secret) turns it into a
 * user token, once; GET /user/installations lists the App's installations that user can access
 * (here: those owned by the user's login, or shared with the user); GET /user says who the
 * token's user is. For sign-in, GET /login/oauth/authorize is GitHub's authorize page: the
 * person signed in to this fake GitHub's "browser" (`signInAs`) approves at once and is sent
 * back to the `redirect_uri` with a code and the state, as GitHub does.
 */
export function fakeUserAuthorizationApi(ownerOf: (installationId: number) => string | undefined) {
  const clientId = "Iv1.fakeclientid";
  const clientSecret = `secret_${randomBytes(12).toString("hex")}`;
  const codes = new Map<string, string>();
  const tokens = new Map<string, string>();
  const shared = new Map<number, Set<string>>();
  const installationIds = new Set<number>();
  const userIds = new Map<string, number>();
  const userIdOf = (login: string) => {
    if (!userIds.has(login)) userIds.set(login, 5000 + userIds.size);
    return userIds.get(login)!;
  };
  let browserLogin: string | undefined;
  let signInForm = false;

  const accessibleTo = (login: string) =>
    [...installationIds].filter(
      (id) => ownerOf(id) === login || (shared.get(id)?.has(login) ?? false),
    );

  return {
    clientId,
    clientSecret,
    /** User tokens minted so far, so tests can prove none leaked. */
    issuedUserTokens: [] as string[],
    /** A person authorizes the App in their browser: the `code` GitHub adds to the setup URL. */
    authorize(login: string): string {
      const code = randomBytes(10).toString("hex");
      codes.set(code, login);
      return code;
    },
    /** Who is signed in to GitHub in the browser that opens the authorize page (none: refused). */
    signInAs(login: string | undefined) {
      browserLogin = login;
    },
    /** GitHub's numeric id of a user, as /user answers it. */
    userIdOf,
    /**
     * GitHub's authorize page (`/login/oauth/authorize`): where it sends the browser, or why it
     * refuses (unknown client, nobody signed in).
     */
    authorizePage(url: URL): { location: string } | { html: string } | FakeAnswer {
      if (url.searchParams.get("client_id") !== clientId) return [404, { message: "Not Found" }];
      const redirect = url.searchParams.get("redirect_uri");
      if (!redirect) return [400, { message: "redirect_uri is required here" }];
      const back = new URL(redirect);
      const state = url.searchParams.get("state");
      if (state) back.searchParams.set("state", state);
      // With the sign-in form on, a real browser signs in and authorizes on the page itself.
      const typedLogin = url.searchParams.get("login");
      if (signInForm && typedLogin === null && url.searchParams.get("cancel") === null) {
        return { html: authorizeFormHtml(url, clientId) };
      }
      const login = signInForm ? typedLogin || undefined : browserLogin;
      if (!login) back.searchParams.set("error", "access_denied");
      else back.searchParams.set("code", this.authorize(login));
      return { location: back.toString() };
    },
    /**
     * Makes the authorize page a form (login, Authorize, Cancel), as GitHub shows a person who
     * is not signed in; for browser tests, where the page is driven by clicks.
     */
    showSignInForm() {
      signInForm = true;
    },
    /** Lets `login` (say an organisation member) access an installation they don't own. */
    share(installationId: number, login: string) {
      shared.set(installationId, (shared.get(installationId) ?? new Set()).add(login));
    },
    noteInstallation(installationId: number) {
      installationIds.add(installationId);
    },
    handle(request: FakeRequest, authorization: string | undefined): FakeAnswer | undefined {
      if (request.method === "POST" && request.path === "/login/oauth/access_token") {
        const body = request.body ?? {};
        if (body.client_id !== clientId || body.client_secret !== clientSecret) {
          return [200, { error: "incorrect_client_credentials" }];
        }
        const login = codes.get(String(body.code));
        // A code works once, as on GitHub.
        if (!login) return [200, { error: "bad_verification_code" }];
        codes.delete(String(body.code));
        const token = `ghu_${randomBytes(18).toString("base64url")}`;
        tokens.set(token, login);
        this.issuedUserTokens.push(token);
        return [200, { access_token: token, token_type: "bearer", scope: "" }];
      }
      if (request.method === "GET" && request.path === "/user") {
        const login = tokens.get(authorization?.replace(/^(Bearer|token)\s+/i, "") ?? "");
        if (!login) return [401, { message: "Bad credentials" }];
        const user: Pick<Schemas["private-user"], "login" | "id" | "type" | "name"> = {
          ...githubUser(login, "User", userIdOf(login)),
          name: login,
        };
        return [200, user];
      }
      if (request.method === "GET" && request.path === "/user/installations") {
        const login = tokens.get(authorization?.replace(/^(Bearer|token)\s+/i, "") ?? "");
        if (!login) return [401, { message: "Bad credentials" }];
        const perPage = Number(request.url.searchParams.get("per_page") ?? 30);
        const page = Number(request.url.searchParams.get("page") ?? 1);
        const ids = accessibleTo(login);
        return [
          200,
          {
            total_count: ids.length,
            installations: ids
              .slice((page - 1) * perPage, page * perPage)
              .map((id) => ({ id, account: { login: ownerOf(id) } })),
          },
        ];
      }
      return undefined;
    },
  };
}

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);

/** The authorize page as a form that sends the same query back with `login` (or `cancel`). */
function authorizeFormHtml(url: URL, clientId: string): string {
  const hidden = ["client_id", "redirect_uri", "state"]
    .map((name) => {
      const value = url.searchParams.get(name);
      return value === null
        ? ""
        : `<input type="hidden" name="${name}" value="${escapeHtml(value)}">`;
    })
    .join("");
  return `<!doctype html><html lang="en"><head><title>Authorize application · GitHub</title></head>
<body><main><h1>Sign in to GitHub to continue to Slipway</h1>
<p>Client ${escapeHtml(clientId)} wants to know who you are and which installations you can access.</p>
<form method="get" action="/login/oauth/authorize">${hidden}
<label>Username or email address <input name="login" autocomplete="username" required></label>
<button type="submit">Authorize</button></form>
<form method="get" action="/login/oauth/authorize">${hidden}
<button type="submit" name="cancel" value="1">Cancel</button></form></main></body></html>`;
}
