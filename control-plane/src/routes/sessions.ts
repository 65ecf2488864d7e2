import { AppError } from "@slipway/shared";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { emptyResponseSchema, envelopeSchema } from "../api-schemas/common.js";
import { servedOverTls } from "../http/cookies.js";
import { documentedErrorResponses } from "../http/define-route.js";
import {
  createRootKeySession,
  endSession,
  type SessionDependencies,
} from "../services/sessions.js";
import { clearedSessionCookie, sessionCookie } from "../sessions/session-cookie.js";

const sessionSchema = z.object({
  sessionId: z.string(),
  workspaceId: z.string(),
  expiresAt: z.number(),
  csrfToken: z.string(),
  via: z.enum(["rootKey", "github"]),
  user: z.object({ id: z.string(), login: z.string() }).optional(),
});

/** The request's session, or 401: these calls are about the cookie, not a root key. */
function sessionOf(request: FastifyRequest) {
  const session = request.principal?.session;
  if (!session) {
    throw new AppError(
      "unauthorized",
      "This request carries no dashboard session; sign in with sessions.createSession.",
    );
  }
  return { ...session, actor: request.principal!.actor };
}

/**
 * The dashboard's sign-in (issue 17): a root key exchanged for an `HttpOnly` session cookie, the
 * session read back (a reloaded page recovers its CSRF token), and sign-out. The cookie and CSRF
 * checks of every other /v2 call are in http/session-auth.ts.
 */
export function sessionRoutes(
  app: FastifyInstance,
  deps: SessionDependencies & { publicUrl: string | undefined },
) {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const schema = (operation: string, summary: string, body: z.ZodType, data: z.ZodType) => ({
    operationId: operation,
    tags: ["sessions"],
    summary,
    body,
    response: { 200: envelopeSchema(data), ...documentedErrorResponses },
  });

  routes.post(
    "/v2/sessions.createSession",
    {
      schema: {
        ...schema(
          "sessions.createSession",
          "Exchange a root key for a dashboard session cookie acting as that key",
          z.strictObject({ rootKey: z.string().min(1).max(512) }),
          sessionSchema,
        ),
        security: [],
      },
    },
    async (request, reply) => {
      const { rootKey } = request.body as { rootKey: string };
      const { token, view } = await createRootKeySession(deps, rootKey, request.id);
      reply.header(
        "set-cookie",
        sessionCookie(token, deps.ttlSeconds, servedOverTls(request, deps.publicUrl)),
      );
      reply.header("cache-control", "no-store");
      return { meta: { requestId: request.id }, data: view };
    },
  );

  routes.post(
    "/v2/sessions.getSession",
    {
      schema: {
        ...schema(
          "sessions.getSession",
          "The current dashboard session, with its CSRF token (needs no X-Slipway-CSRF)",
          z.strictObject({}).nullable().optional(),
          sessionSchema,
        ),
        security: [{ session: [] }],
      },
    },
    async (request, reply) => {
      const { actor: _actor, ...session } = sessionOf(request);
      reply.header("cache-control", "no-store");
      return { meta: { requestId: request.id }, data: session };
    },
  );

  routes.post(
    "/v2/sessions.deleteSession",
    {
      schema: {
        ...schema(
          "sessions.deleteSession",
          "Sign out: end the session on the server and clear its cookie",
          z.strictObject({}).nullable().optional(),
          emptyResponseSchema,
        ),
        security: [{ session: [] }],
      },
    },
    async (request, reply) => {
      const session = sessionOf(request);
      await endSession(deps, session, request.id);
      reply.header("set-cookie", clearedSessionCookie(servedOverTls(request, deps.publicUrl)));
      return { meta: { requestId: request.id }, data: {} };
    },
  );
}
