import { createHmac, timingSafeEqual } from "node:crypto";
import { AppError } from "@slipway/shared";
import type { FastifyInstance } from "fastify";
import type { Database } from "../db/client.js";
import { withoutNulCharacters } from "../http/control-characters.js";
import type { JobQueues } from "../jobs/queues.js";
import { createDeliveryIntake } from "./delivery-intake.js";

/** Events the pipeline acts on; anything else is acknowledged and dropped. */
export const handledEvents = new Set([
  "push",
  "pull_request",
  "installation",
  "installation_repositories",
  "check_run",
]);

export interface WebhookRouteOptions {
  db: Database;
  queues: JobQueues | undefined;
  secret: string | undefined;
  bodyLimit: number;
  clock: () => Date;
}

/** What GitHub sends: `sha256=` and 64 hex digits. */
const signatureShape = /^sha256=[0-9a-f]{64}$/;

/** The HMAC over the bytes exactly as received (not a decoding of them), compared in constant time. */
function signatureMatches(secret: string, raw: Buffer, signature: string): boolean {
  const expected = Buffer.from(`sha256=${createHmac("sha256", secret).update(raw).digest("hex")}`);
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * `POST /webhooks/github`: verify the signature over the raw bytes, store the delivery, enqueue
 * it, answer. Nothing heavier happens here, so GitHub gets its answer in milliseconds; storing
 * and enqueueing go through the intake's group commit.
 */
export async function githubWebhookRoute(app: FastifyInstance, options: WebhookRouteOptions) {
  const secret = options.secret;
  const intake = options.queues
    ? createDeliveryIntake({ db: options.db, queues: options.queues })
    : undefined;
  // The signature covers the exact bytes GitHub sent, so this route keeps the raw body.
  app.addContentTypeParser(
    "application/json",
    { parseAs: "buffer", bodyLimit: options.bodyLimit },
    (_request, body, done) => done(null, body),
  );
  app.post(
    "/webhooks/github",
    {
      bodyLimit: options.bodyLimit,
      schema: { hide: true },
      // Before a byte of the body is read: nothing unsigned, or sent where no secret could
      // verify it, holds memory or a connection while it uploads.
      onRequest: async (request) => {
        if (!secret || !intake) {
          throw new AppError(
            "service_unavailable",
            "The GitHub App is not configured on this Slipway (GITHUB_WEBHOOK_SECRET).",
          );
        }
        if (!signatureShape.test(header(request.headers["x-hub-signature-256"]) ?? "")) {
          throw new AppError("unauthorized", "Missing X-Hub-Signature-256.");
        }
      },
    },
    async (request, reply) => {
      if (!secret || !intake) throw new Error("checked before the body was read");
      const raw = request.body as Buffer | undefined;
      const signature = header(request.headers["x-hub-signature-256"]);
      const event = header(request.headers["x-github-event"]);
      const deliveryId = header(request.headers["x-github-delivery"]);
      if (!raw || !signature) throw new AppError("unauthorized", "Missing X-Hub-Signature-256.");
      if (!signatureMatches(secret, raw, signature)) {
        throw new AppError("unauthorized", "The X-Hub-Signature-256 does not match the body.");
      }
      if (!event || !deliveryId) {
        throw new AppError("bad_request", "Missing X-GitHub-Event or X-GitHub-Delivery.");
      }
      const text = raw.toString("utf8");
      if (!handledEvents.has(event)) {
        reply.status(202);
        return { meta: { requestId: request.id }, data: { deliveryId, ignored: true } };
      }
      let payload: Record<string, unknown>;
      // PostgreSQL stores no NUL in text or jsonb, and a commit message can carry one (escaped).
      const carriesNul = text.includes("\\u0000");
      try {
        const parsed: unknown = JSON.parse(text);
        if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
          throw new Error("not an object");
        payload = (carriesNul ? withoutNulCharacters(parsed) : parsed) as Record<string, unknown>;
      } catch {
        throw new AppError("bad_request", "The webhook body is not a JSON object.");
      }
      const installation = payload.installation as { id?: number } | undefined;
      const { duplicate } = await intake.store({
        id: deliveryId,
        event,
        action: typeof payload.action === "string" ? payload.action : null,
        installationId: installation?.id !== undefined ? String(installation.id) : null,
        payloadText: carriesNul ? JSON.stringify(payload) : text,
        receivedAt: options.clock(),
      });
      reply.status(202);
      return { meta: { requestId: request.id }, data: { deliveryId, duplicate } };
    },
  );
}
