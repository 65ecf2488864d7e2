import { AppError } from "@slipway/shared";
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { cookieOf, servedOverTls } from "../http/cookies.js";
import {
  finishGitHubSignIn,
  type GitHubSignInDependencies,
  SIGN_IN_COOKIE,
  startGitHubSignIn,
} from "../services/github-sign-in.js";
import { sessionCookie } from "../sessions/session-cookie.js";
import { signInFailureReason } from "../sessions/sign-in-failure.js";

/** A top-level navigation asks for HTML; fetch() and curl ask for anything. */
const acceptsHtml = (accept: string | undefined) => /\btext\/html\b/i.test(accept ?? "");

/**
 * Sign-in with GitHub (issue 17), the App's user authorization: `/auth/github/start` sends the
 * browser to GitHub with a single-use state bound to it by a cookie; GitHub sends it back to
 * `/auth/github/callback`, which gives it a session and goes to the dashboard at `/`.
 */
export function githubSignInRoutes(
  app: FastifyInstance,
  deps: GitHubSignInDependencies & { publicUrl: string | undefined },
) {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  // The sign-in cookie goes back with GitHub's top-level redirect, so it is Lax, not Strict.
  const flowCookie = (value: string, maxAge: number, secure: boolean) =>
    `${SIGN_IN_COOKIE}=${value}; Path=/auth/github; Max-Age=${maxAge}; HttpOnly; SameSite=Lax${secure ? "; Secure" : ""}`;

  routes.get("/auth/github/start", { schema: { hide: true } }, async (request, reply) => {
    const origin = deps.publicUrl ?? `${request.protocol}://${request.host}`;
    const started = startGitHubSignIn(deps, new URL("/auth/github/callback", origin).toString());
    const maxAge = Math.ceil((started.expiresAt - deps.clock().getTime()) / 1000);
    reply.header(
      "set-cookie",
      flowCookie(started.nonce, maxAge, servedOverTls(request, deps.publicUrl)),
    );
    reply.header("cache-control", "no-store").header("referrer-policy", "no-referrer");
    return reply.redirect(started.redirectTo, 302);
  });

  routes.get(
    "/auth/github/callback",
    {
      schema: {
        hide: true,
        querystring: z.object({
          code: z.string().min(1).max(512).optional(),
          state: z.string().min(1).max(1024),
          // GitHub's answer when the person declines (`access_denied`).
          error: z.string().max(64).optional(),
        }),
      },
    },
    async (request, reply) => {
      const { code, state, error } = request.query;
      const secure = servedOverTls(request, deps.publicUrl);
      // The flow is over whatever happens: the browser forgets it.
      reply.header("set-cookie", flowCookie("", 0, secure));
      reply.header("cache-control", "no-store").header("referrer-policy", "no-referrer");
      try {
        if (!code) {
          throw new AppError(
            "forbidden",
            `GitHub did not authorize the sign-in${error ? ` (${error.replace(/[^\w-]/g, "")})` : ""}; start again at /auth/github/start.`,
          );
        }
        const { token } = await finishGitHubSignIn(
          deps,
          { state, code, browserNonce: cookieOf(request, SIGN_IN_COOKIE) },
          request.id,
        );
        // Fastify appends Set-Cookie headers: the flow's clearing one above stays.
        reply.header("set-cookie", sessionCookie(token, deps.ttlSeconds, secure));
        return reply.redirect("/", 302);
      } catch (failure) {
        // A person's browser goes back to the sign-in page, which says why in words; any
        // other client (and every server fault) gets the API's error answer.
        const reason = acceptsHtml(request.headers.accept)
          ? signInFailureReason(failure, !code)
          : undefined;
        if (!reason) throw failure;
        return reply.redirect(`/sign-in?github=${reason}`, 302);
      }
    },
  );
}
