import { AppError } from "@slipway/shared";
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { envelopeSchema, identifierSchema } from "../api-schemas/common.js";
import { createDeploymentData } from "../api-schemas/deployment.js";
import {
  type ContextFactory,
  documentedErrorResponses,
  runAuthorized,
} from "../http/define-route.js";
import { createDeploymentFromSource } from "../services/source-deployment.js";

const archiveTypes = ["application/gzip", "application/x-gzip", "application/x-tar"];

/**
 * `POST /v2/deployments.createDeploymentFromSource?project=…&app=…&environment=…` with the source
 * tree as the body (`content-type: application/gzip`): Slipway's CLI deploy, answering like
 * `createDeployment` (201, `{ deploymentId }`).
 */
export function deploymentSourceRoutes(
  app: FastifyInstance,
  makeContext: ContextFactory,
  options: { bodyLimit: number; quotaBytes: number },
) {
  app.register(async (scoped) => {
    scoped.addContentTypeParser(
      archiveTypes,
      { parseAs: "buffer", bodyLimit: options.bodyLimit },
      (_request, body, done) => done(null, body),
    );
    const operation = "deployments.createDeploymentFromSource";
    scoped.withTypeProvider<ZodTypeProvider>().post(
      `/v2/${operation}`,
      {
        bodyLimit: options.bodyLimit,
        schema: {
          operationId: operation,
          tags: ["deployments"],
          summary:
            "Slipway: deploy a source tree uploaded as a tarball (a CLI deploy); it is built like a commit",
          security: [{ rootKey: [] }],
          querystring: z.strictObject({
            project: identifierSchema,
            app: identifierSchema,
            environment: identifierSchema,
          }),
          response: { 201: envelopeSchema(createDeploymentData), ...documentedErrorResponses },
        },
      },
      async (request, reply) => {
        const data = await runAuthorized(
          request,
          makeContext,
          {
            operation,
            permission: { resource: "environment", action: "create_deployment", scope: "object" },
          },
          (ctx) => {
            if (!Buffer.isBuffer(request.body)) {
              throw new AppError(
                "unsupported_media_type",
                `Send the source tree as the body with content-type ${archiveTypes.join(", ")}.`,
              );
            }
            return createDeploymentFromSource(ctx, request.query, request.body, {
              quotaBytes: options.quotaBytes,
            });
          },
        );
        reply.status(201);
        return { meta: { requestId: request.id }, data };
      },
    );
  });
}
