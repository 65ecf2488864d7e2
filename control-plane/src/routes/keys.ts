import type { FastifyInstance } from "fastify";
import {
  createKeyBody,
  createKeyData,
  creditsResponseSchema,
  deleteKeyBody,
  getKeyBody,
  keyResponseSchema,
  rerollKeyBody,
  updateCreditsBody,
  whoamiBody,
} from "../api-schemas/api-key.js";
import { emptyResponseSchema } from "../api-schemas/common.js";
import { migrateKeysBody, migrateKeysData } from "../api-schemas/migrate-keys.js";
import { updateKeyBody } from "../api-schemas/update-key.js";
import { verifyKeyBody, verifyKeyData } from "../api-schemas/verify-key.js";
import { type ContextFactory, defineRoute } from "../http/define-route.js";
import { createKey } from "../services/create-key.js";
import { deleteKey } from "../services/delete-key.js";
import { getKey, whoami } from "../services/key-reads.js";
import { migrateKeys } from "../services/migrate-keys.js";
import { rerollKey } from "../services/reroll-key.js";
import { updateCredits } from "../services/update-credits.js";
import { updateKey } from "../services/update-key.js";
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
  defineRoute(app, makeContext, {
    operation: "keys.getKey",
    summary: "Get a key by id; `decrypt` returns a recoverable key's plaintext",
    permission: { resource: "api", action: "read_key", scope: "object" },
    body: getKeyBody,
    data: keyResponseSchema,
    handler: (ctx, body) => getKey(ctx, body),
  });
  defineRoute(app, makeContext, {
    operation: "keys.whoami",
    summary: "Find the key behind a plaintext key",
    permission: { resource: "api", action: "read_key", scope: "object" },
    body: whoamiBody,
    data: keyResponseSchema,
    handler: (ctx, body) => whoami(ctx, body.key),
  });
  defineRoute(app, makeContext, {
    operation: "keys.deleteKey",
    summary: "Delete a key (soft by default, `permanent` removes the row); it stops verifying",
    permission: { resource: "api", action: "delete_key", scope: "object" },
    body: deleteKeyBody,
    data: emptyResponseSchema,
    handler: async (ctx, body) => {
      await deleteKey(ctx, body);
      return {};
    },
  });
  defineRoute(app, makeContext, {
    operation: "keys.updateCredits",
    summary: "Set, increment or decrement a key's credits; `set` to null makes it unlimited",
    permission: { resource: "api", action: "update_key", scope: "object" },
    body: updateCreditsBody,
    data: creditsResponseSchema,
    handler: (ctx, body) => updateCredits(ctx, body),
  });
  defineRoute(app, makeContext, {
    operation: "keys.updateKey",
    summary:
      "Update a key: absent fields stay, null clears; permissions, roles, ratelimits are replaced",
    permission: { resource: "api", action: "update_key", scope: "object" },
    body: updateKeyBody,
    data: emptyResponseSchema,
    handler: async (ctx, body) => {
      await updateKey(ctx, body);
      return {};
    },
  });
  defineRoute(app, makeContext, {
    operation: "keys.rerollKey",
    summary: "A new key with the old one's settings; the old one expires after `expiration` ms",
    permission: { resource: "api", action: "create_key", scope: "object" },
    body: rerollKeyBody,
    data: createKeyData,
    handler: (ctx, body) => rerollKey(ctx, body),
  });
  defineRoute(app, makeContext, {
    operation: "keys.migrateKeys",
    summary: "Bring keys from another system by their base64 SHA-256 hash; existing hashes fail",
    permission: { resource: "api", action: "create_key", scope: "object" },
    body: migrateKeysBody,
    data: migrateKeysData,
    handler: (ctx, body) => migrateKeys(ctx, body),
  });
}
