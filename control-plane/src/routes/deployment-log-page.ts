import { Readable } from "node:stream";
import type { FastifyInstance } from "fastify";
import { openPublicDeploymentLog } from "../services/public-deployment-log.js";

/**
 * `GET /deployments/<id>/logs?token=…`: the deployment's log as plain text, the page GitHub's
 * check run and deployment link to. A wrong or missing token answers exactly like an unknown
 * deployment (404); the text streams page by page.
 */
export function deploymentLogPage(
  app: FastifyInstance,
  options: { db: Parameters<typeof openPublicDeploymentLog>[0] },
) {
  app.get<{ Params: { deploymentId: string }; Querystring: { token?: string } }>(
    "/deployments/:deploymentId/logs",
    { schema: { hide: true } },
    async (request, reply) => {
      const text = await openPublicDeploymentLog(options.db, {
        deploymentId: request.params.deploymentId,
        token: typeof request.query.token === "string" ? request.query.token : "",
      });
      reply
        .header("content-type", "text/plain; charset=utf-8")
        .header("cache-control", "no-store")
        .header("x-robots-tag", "noindex")
        .header("referrer-policy", "no-referrer");
      return reply.send(Readable.from(text));
    },
  );
}
