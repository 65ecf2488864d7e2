import { AppError } from "@slipway/shared";
import { and, eq, isNull } from "drizzle-orm";
import type { FastifyRequest } from "fastify";
import fp from "fastify-plugin";
import { hashRootKey } from "../crypto/root-key.js";
import { rootKeys } from "../db/schema/index.js";
import { SESSION_COOKIE } from "../sessions/session-cookie.js";
import { cookieOf } from "./cookies.js";
import type { Principal } from "./principal.js";
import { createRootKeyCache } from "./root-key-cache.js";
import { sessionPrincipal } from "./session-auth.js";

export type { Principal } from "./principal.js";

/** /v2 routes that authenticate nobody: liveness, and the exchange of a root key for a session. */
const unauthenticated = new Set(["/v2/liveness", "/v2/sessions.createSession"]);

const missingCredentials = () =>
  new AppError(
    "unauthorized",
    "Send a root key as 'Authorization: Bearer <key>' (or sign in to the dashboard).",
  );

/**
 * Resolves every /v2 request to its workspace before any handler runs and before any body is
 * read: a bearer root key, or else the dashboard's session cookie (with its CSRF token; see
 * session-auth.ts). Decided on the route the router matched (after it decoded the path), never
 * on the raw URL: `/%76%32/…` reaches the same route and needs the same credentials.
 */
export const authPlugin = fp<{ now: () => Date; publicUrl: string | undefined }>(
  async (app, options) => {
    const cache = createRootKeyCache<Principal>();
    const rootKeyPrincipal = async (header: string) => {
      const match = /^Bearer\s+(\S+)$/i.exec(header);
      if (!match) {
        throw new AppError("unauthorized", "The Authorization header must be 'Bearer <root key>'.");
      }
      const hash = hashRootKey(match[1]!);
      const principal = await cache.get(hash, async () => {
        const [row] = await app.db
          .select()
          .from(rootKeys)
          .where(and(eq(rootKeys.hash, hash), isNull(rootKeys.revokedAt)))
          .limit(1);
        return (
          row && {
            workspaceId: row.workspaceId,
            permissions: row.permissions,
            actor: { type: "root_key" as const, id: row.id },
          }
        );
      });
      if (!principal)
        throw new AppError("unauthorized", "The root key is not valid or has been revoked.");
      return principal;
    };

    app.addHook("onRequest", async (request: FastifyRequest, reply) => {
      // An unmatched URL keeps the raw path: a /v2 address that exists for nobody is still 401.
      const route = request.routeOptions.url ?? request.url;
      if (!route.startsWith("/v2/") || unauthenticated.has(route)) return;
      const header = request.headers.authorization;
      if (header) {
        request.principal = await rootKeyPrincipal(header);
        return;
      }
      const token = cookieOf(request, SESSION_COOKIE);
      if (!token) throw missingCredentials();
      request.principal = await sessionPrincipal(request, reply, route, token, {
        db: app.db,
        now: options.now,
        publicUrl: options.publicUrl,
      });
    });
  },
  { name: "auth", dependencies: ["database"] },
);
