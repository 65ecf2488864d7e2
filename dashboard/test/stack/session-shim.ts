import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";

/**
 * ONLY for running this branch's browser tests before the control plane's session endpoints
 * land (branch dashboard-api): `DASHBOARD_SESSION_SHIM=1` makes the test server answer
 * `sessions.*` by the contract itself and turn the cookie into the root key's bearer header.
 * Off by default, so the suite runs against the real endpoints.
 */
export interface SessionShim {
  handle(
    request: IncomingMessage,
    response: ServerResponse,
    forwardWith: (headers: Record<string, string>) => void,
  ): boolean;
}

interface ShimSession {
  rootKey: string;
  workspaceId: string;
  csrfToken: string;
  expiresAt: number;
}

export function makeSessionShim(
  workspaceOfKey: (rootKey: string) => string | undefined,
): SessionShim {
  const sessions = new Map<string, ShimSession>();
  const json = (
    response: ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ) =>
    response
      .writeHead(status, { "content-type": "application/json", ...headers })
      .end(JSON.stringify(body));
  const unauthorized = (response: ServerResponse) =>
    json(response, 401, {
      meta: { requestId: "shim" },
      error: { title: "Unauthorized", detail: "no session", status: 401 },
    });
  const sessionOf = (request: IncomingMessage) => {
    const id = /(?:^|;\s*)slipway_session=([^;]+)/.exec(request.headers.cookie ?? "")?.[1];
    const session = id ? sessions.get(id) : undefined;
    return id && session ? { id, session } : null;
  };
  const data = (id: string, session: ShimSession) => ({
    sessionId: id,
    workspaceId: session.workspaceId,
    expiresAt: session.expiresAt,
    csrfToken: session.csrfToken,
    via: "root_key",
  });

  return {
    handle(request, response, forwardWith) {
      const path = new URL(request.url ?? "/", "http://x").pathname;
      if (!path.startsWith("/v2/")) return false;
      if (path === "/v2/sessions.createSession") {
        let body = "";
        request.on("data", (chunk) => {
          body += chunk;
        });
        request.on("end", () => {
          const rootKey = (JSON.parse(body || "{}") as { rootKey?: string }).rootKey ?? "";
          const workspaceId = workspaceOfKey(rootKey);
          if (!workspaceId) return unauthorized(response);
          const id = randomBytes(16).toString("hex");
          const session = {
            rootKey,
            workspaceId,
            csrfToken: randomBytes(16).toString("hex"),
            expiresAt: Date.now() + 3_600_000,
          };
          sessions.set(id, session);
          json(
            response,
            200,
            { meta: { requestId: "shim" }, data: data(id, session) },
            {
              "set-cookie": `slipway_session=${id}; Path=/; HttpOnly; SameSite=Strict`,
            },
          );
        });
        return true;
      }
      const found = sessionOf(request);
      if (path === "/v2/sessions.getSession") {
        if (!found) unauthorized(response);
        else
          json(response, 200, { meta: { requestId: "shim" }, data: data(found.id, found.session) });
        return true;
      }
      if (!found || request.headers["x-slipway-csrf"] !== found.session.csrfToken) {
        unauthorized(response);
        return true;
      }
      if (path === "/v2/sessions.deleteSession") {
        sessions.delete(found.id);
        json(
          response,
          200,
          { meta: { requestId: "shim" }, data: {} },
          {
            "set-cookie": "slipway_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0",
          },
        );
        return true;
      }
      if (request.headers.authorization) {
        unauthorized(response);
        return true;
      }
      forwardWith({ authorization: `Bearer ${found.session.rootKey}` });
      return true;
    },
  };
}
