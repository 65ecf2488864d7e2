import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { type ContextFactory, defineRoute } from "../http/define-route.js";
import {
  completeInstallation,
  type InstallationDependencies,
  installAppLink,
} from "../services/github-installations.js";

export function githubRoutes(
  app: FastifyInstance,
  makeContext: ContextFactory,
  deps: InstallationDependencies,
) {
  defineRoute(app, makeContext, {
    operation: "github.installApp",
    summary: "A link that installs the GitHub App and binds the installation to this workspace",
    permission: { resource: "workspace", action: "install_github", scope: "all" },
    // The SDK sends `null`: the call takes no parameters.
    body: z.strictObject({}).nullable().optional(),
    data: z.object({ url: z.string(), expiresAt: z.number() }),
    handler: async (ctx) => installAppLink(deps, ctx.workspaceId),
  });

  // GitHub sends the browser here after an install (the App's "Setup URL"); the signed state
  // says which workspace asked, so no root key is needed.
  app.get(
    "/github/setup",
    {
      schema: {
        hide: true,
        querystring: z.object({
          installation_id: z.string().min(1).max(32),
          state: z.string().min(1).max(1024),
          setup_action: z.string().optional(),
        }),
      },
    },
    async (request) => {
      const query = request.query as { installation_id: string; state: string };
      const linked = await completeInstallation(deps, {
        installationId: query.installation_id,
        state: query.state,
      });
      return { meta: { requestId: request.id }, data: linked };
    },
  );
}
