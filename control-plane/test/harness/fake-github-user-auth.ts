import { randomBytes } from "node:crypto";
import type { FakeAnswer, FakeRequest } from "./fake-github-shapes.js";

/**
 * The App's user authorization as GitHub runs it: a browser that finished an install brings a
 * `code`; POST /login/oauth/access_token (with the App's client id and secret) turns it into a
 * user token, once; GET /user/installations lists the App's installations that user can access
 * (here: those owned by the user's login, or shared with the user).
 */
export function fakeUserAuthorizationApi(ownerOf: (installationId: number) => string | undefined) {
  const clientId = "Iv1.fakeclientid";
  const clientSecret = `secret_${randomBytes(12).toString("hex")}`;
  const codes = new Map<string, string>();
  const tokens = new Map<string, string>();
  const shared = new Map<number, Set<string>>();
  const installationIds = new Set<number>();

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
