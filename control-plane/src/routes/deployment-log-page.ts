import { timingSafeEqual } from "node:crypto";
import { notFound } from "@slipway/shared";
import { asc, eq } from "drizzle-orm";
import type { FastifyInstance } from "fastify";
import type { Database } from "../db/client.js";
import { deploymentLogs, deployments } from "../db/schema/index.js";

const sameToken = (a: string, b: string) =>
  a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/**
 * `GET /deployments/<id>/logs?token=…`: the deployment's log as plain text, the page GitHub's
 * check run and deployment link to. The token is the deployment's own (in those links only);
 * a wrong or missing one answers exactly like an unknown deployment.
 */
export function deploymentLogPage(app: FastifyInstance, options: { db: Database }) {
  app.get<{ Params: { deploymentId: string }; Querystring: { token?: string } }>(
    "/deployments/:deploymentId/logs",
    { schema: { hide: true } },
    async (request, reply) => {
      const { deploymentId } = request.params;
      const [deployment] = await options.db
        .select({
          id: deployments.id,
          status: deployments.status,
          logToken: deployments.logToken,
        })
        .from(deployments)
        .where(eq(deployments.id, deploymentId));
      const token = typeof request.query.token === "string" ? request.query.token : "";
      if (!deployment || !sameToken(token, deployment.logToken)) {
        throw notFound(`Deployment '${deploymentId}'`);
      }
      const lines = await options.db
        .select()
        .from(deploymentLogs)
        .where(eq(deploymentLogs.deploymentId, deployment.id))
        .orderBy(asc(deploymentLogs.seq));
      const text = [
        `Deployment ${deployment.id}: ${deployment.status}`,
        "",
        ...lines.map(
          (line) => `${line.at.toISOString().slice(11, 23)} [${line.step}] ${line.line}`,
        ),
        "",
      ].join("\n");
      reply
        .header("content-type", "text/plain; charset=utf-8")
        .header("cache-control", "no-store")
        .header("x-robots-tag", "noindex")
        .header("referrer-policy", "no-referrer");
      return text;
    },
  );
}
