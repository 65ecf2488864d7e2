import { createHash, timingSafeEqual } from "node:crypto";
import { AppError } from "@slipway/shared";
import { WAKE_DEPLOYMENT_PATH } from "@slipway/shared/gateway";
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { envelopeSchema } from "../api-schemas/common.js";
import { documentedErrorResponses } from "../http/define-route.js";
import { type WakeDependencies, wakeDeployment } from "../services/deployment-wake.js";

export interface SentinelWakeRouteOptions extends WakeDependencies {
  /** `SLIPWAY_SENTINEL_TOKEN`; without one nobody is let in. */
  token: string | undefined;
}

const digest = (value: string) => createHash("sha256").update(value, "utf8").digest();

/**
 * Pure: does `header` carry the Sentinel token? Both sides are hashed first, so the comparison
 * is constant-time whatever the lengths, and a wrong guess learns nothing from the timing.
 */
export function carriesToken(header: string | undefined, token: string): boolean {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? "");
  return match !== null && timingSafeEqual(digest(match[1]!), digest(token));
}

const wakeBody = z.strictObject({ deploymentId: z.string().min(1).max(255) });
const wakeData = z.object({ state: z.enum(["waking", "not_idle"]) });

/**
 * `POST /internal/sentinel/wakeDeployment`: Sentinel asks for an idle deployment that got a
 * request to start. Sentinel never writes the database itself; this is its one way in, with a
 * credential of its own (not a tenant's root key), checked before the body is read.
 */
export async function sentinelWakeRoute(app: FastifyInstance, options: SentinelWakeRouteOptions) {
  const { token, ...deps } = options;
  app.withTypeProvider<ZodTypeProvider>().post(
    WAKE_DEPLOYMENT_PATH,
    {
      bodyLimit: 1024,
      schema: {
        hide: true,
        body: wakeBody,
        response: { 200: envelopeSchema(wakeData), ...documentedErrorResponses },
      },
      onRequest: async (request) => {
        if (!token || !carriesToken(request.headers.authorization, token)) {
          throw new AppError(
            "unauthorized",
            "Send the Sentinel token (SLIPWAY_SENTINEL_TOKEN) as 'Authorization: Bearer <token>'.",
          );
        }
      },
    },
    async (request) => {
      const state = await wakeDeployment(deps, {
        deploymentId: request.body.deploymentId,
        requestId: request.id,
      });
      return { meta: { requestId: request.id }, data: { state } };
    },
  );
}
