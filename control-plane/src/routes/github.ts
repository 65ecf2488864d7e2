import type { FastifyInstance, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { envelopeSchema } from "../api-schemas/common.js";
import { cookieOf } from "../http/cookies.js";
import {
  type ContextFactory,
  documentedErrorResponses,
  runAuthorized,
} from "../http/define-route.js";
import {
  completeInstallation,
  INSTALL_COOKIE,
  type InstallationDependencies,
  installAppLink,
  startInstallInBrowser,
} from "../services/github-installations.js";

/** Where this Slipway is reached: the configured public URL, else the request's own origin. */
const originOf = (request: FastifyRequest, publicUrl: string | undefined) =>
  publicUrl ?? `${request.protocol}://${request.host}`;

export function githubRoutes(
  app: FastifyInstance,
  makeContext: ContextFactory,
  deps: InstallationDependencies & { publicUrl: string | undefined },
) {
  const operation = "github.installApp";
  app.withTypeProvider<ZodTypeProvider>().post(
    `/v2/${operation}`,
    {
      schema: {
        operationId: operation,
        tags: ["github"],
        summary:
          "A link that installs the GitHub App in the browser that opens it and binds the installation to this workspace",
        security: [{ rootKey: [] }],
        // The SDK sends `null`: the call takes no parameters.
        body: z.strictObject({}).nullable().optional(),
        response: {
          200: envelopeSchema(z.object({ url: z.string(), expiresAt: z.number() })),
          ...documentedErrorResponses,
        },
      },
    },
    async (request) => {
      const data = await runAuthorized(
        request,
        makeContext,
        {
          operation,
          permission: { resource: "workspace", action: "install_github", scope: "all" },
        },
        (ctx) => installAppLink(deps, ctx.workspaceId, originOf(request, deps.publicUrl)),
      );
      return { meta: { requestId: request.id }, data };
    },
  );

  // The link `github.installApp` returns: the browser gets the flow's cookie, then goes to GitHub.
  app.get(
    "/github/install",
    { schema: { hide: true, querystring: z.object({ state: z.string().min(1).max(1024) }) } },
    async (request, reply) => {
      const { state } = request.query as { state: string };
      const started = startInstallInBrowser(deps, state);
      const maxAge = Math.max(0, Math.floor((started.expiresAt - deps.now()) / 1000));
      const secure = request.protocol === "https" ? "; Secure" : "";
      reply.header(
        "set-cookie",
        `${INSTALL_COOKIE}=${started.nonce}; Path=/github; Max-Age=${maxAge}; HttpOnly; SameSite=Lax${secure}`,
      );
      reply.header("cache-control", "no-store").header("referrer-policy", "no-referrer");
      return reply.redirect(started.redirectTo, 302);
    },
  );

  // GitHub sends the browser here after an install (the App's "Setup URL"), with the user
  // authorization's `code`; the signed state, the cookie and that code decide, not a root key.
  app.get(
    "/github/setup",
    {
      schema: {
        hide: true,
        querystring: z.object({
          installation_id: z.string().min(1).max(32),
          state: z.string().min(1).max(1024),
          code: z.string().min(1).max(512).optional(),
          setup_action: z.string().max(64).optional(),
        }),
      },
    },
    async (request, reply) => {
      const query = request.query as { installation_id: string; state: string; code?: string };
      const linked = await completeInstallation(deps, {
        installationId: query.installation_id,
        state: query.state,
        ...(query.code ? { code: query.code } : {}),
        ...(cookieOf(request, INSTALL_COOKIE)
          ? { browserNonce: cookieOf(request, INSTALL_COOKIE) }
          : {}),
      });
      // The flow is over: the browser forgets it.
      reply.header(
        "set-cookie",
        `${INSTALL_COOKIE}=; Path=/github; Max-Age=0; HttpOnly; SameSite=Lax`,
      );
      return { meta: { requestId: request.id }, data: linked };
    },
  );
}
