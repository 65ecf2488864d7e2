import { AppError } from "@slipway/shared";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { Database } from "../db/client.js";
import { findSessionByTokenHash } from "../db/repositories/session-repository.js";
import {
  type SessionView,
  sessionActor,
  sessionPermissions,
  sessionView,
} from "../services/sessions.js";
import { crossSiteReason } from "../sessions/browser-origin.js";
import { clearedSessionCookie, isWellFormedSessionToken } from "../sessions/session-cookie.js";
import { csrfTokenMatches, hashSessionToken } from "../sessions/session-secrets.js";
import { sessionStanding } from "../sessions/session-standing.js";
import { servedOverTls } from "./cookies.js";
import type { Principal } from "./principal.js";

export const CSRF_HEADER = "x-slipway-csrf";

/** The one call a session may make without its CSRF token: how a reloaded page recovers it. */
const csrfExempt = new Set(["/v2/sessions.getSession"]);

export interface SessionAuthOptions {
  db: Database;
  now: () => Date;
  publicUrl: string | undefined;
}

/**
 * The principal of a request that carries the dashboard's session cookie (and no root key).
 * 403 when it comes from another site or lacks the session's CSRF token; 401 (and the browser
 * told to forget the cookie) when the session is unknown, expired, signed out or its key revoked.
 */
export async function sessionPrincipal(
  request: FastifyRequest,
  reply: FastifyReply,
  route: string,
  token: string,
  options: SessionAuthOptions,
): Promise<Principal & { session: SessionView }> {
  const crossSite = crossSiteReason({
    origin: request.headers.origin,
    secFetchSite: request.headers["sec-fetch-site"] as string | undefined,
    host: request.host,
    publicUrl: options.publicUrl,
  });
  if (crossSite) {
    throw new AppError("forbidden", `The session cookie is refused: ${crossSite}.`);
  }
  const refuse = (reason: string) => {
    reply.header("set-cookie", clearedSessionCookie(servedOverTls(request, options.publicUrl)));
    return new AppError("unauthorized", reason);
  };
  if (!isWellFormedSessionToken(token)) throw refuse("The session cookie is not valid.");
  const stored = await findSessionByTokenHash(options.db, hashSessionToken(token));
  if (!stored) throw refuse("The session is not valid; sign in again.");
  const standing = sessionStanding(
    {
      expiresAt: stored.expiresAt,
      revokedAt: stored.revokedAt,
      rootKeyActive: stored.rootKeyId
        ? stored.rootKeyPermissions !== null && stored.rootKeyRevokedAt === null
        : undefined,
    },
    options.now(),
  );
  if (!standing.active) throw refuse(standing.reason);
  const csrfHeader = request.headers[CSRF_HEADER];
  if (
    !csrfExempt.has(route) &&
    !csrfTokenMatches(typeof csrfHeader === "string" ? csrfHeader : undefined, stored.csrfSecret)
  ) {
    throw new AppError(
      "forbidden",
      "A request with the session cookie must send the session's CSRF token as 'X-Slipway-CSRF' (sessions.getSession returns it).",
    );
  }
  return {
    workspaceId: stored.workspaceId,
    permissions: sessionPermissions(stored),
    actor: sessionActor(stored),
    session: sessionView(stored),
  };
}
