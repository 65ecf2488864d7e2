import type { FastifyInstance } from "fastify";
import { createKeyBody, createKeyData } from "../api-schemas/api-key.js";
import { verifyKeyBody, verifyKeyData } from "../api-schemas/verify-key.js";
import { type ContextFactory, defineRoute } from "../http/define-route.js";
import { createKey } from "../services/create-key.js";
import { verifyKey } from "../services/verify-key.js";

/** `keys.*`: API keys of the workspace's APIs (keyspaces). */
export function keyRoutes(app: FastifyInstance, makeContext: ContextFactory) {
  defineRoute(app, makeContext, {
    operation: "keys.createKey",
    summary: "Create a key; its plaintext is in this answer only",
    permission: { resource: "api", action: "create_key", scope: "object" },
    body: createKeyBody,
    data: createKeyData,
    handler: (ctx, body) => createKey(ctx, body),
  });
  defineRoute(app, makeContext, {
    operation: "keys.verifyKey",
    summary: "Verify a key: always 200, `valid` and `code` say the outcome",
    permission: { resource: "api", action: "verify_key", scope: "object" },
    body: verifyKeyBody,
    data: verifyKeyData,
    handler: (ctx, body) => verifyKey(ctx, body),
  });
}
