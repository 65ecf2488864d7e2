import { permissionQueryMaxLength } from "@slipway/keys";
import { z } from "zod";
import { keyStringSchema, plainText } from "./keyspace.js";

/** The SDK's `KeysVerifyKeyRatelimit`. */
const verifyRatelimitSchema = z.strictObject({
  name: plainText(1, 128),
  cost: z.number().int().min(0).optional(),
  limit: z.number().int().min(0).optional(),
  duration: z.number().int().min(1000).max(2_592_000_000).optional(),
});

/**
 * The SDK's `V2KeysVerifyKeyRequestBody`. `tags` (analytics) and `migrationId` are accepted and
 * ignored: Slipway keeps no verification analytics and migrated keys verify by their hash.
 */
export const verifyKeyBody = z.strictObject({
  key: keyStringSchema,
  tags: z.array(plainText(1, 128)).max(10).optional(),
  permissions: z.string().min(1).max(permissionQueryMaxLength).optional(),
  credits: z.strictObject({ cost: z.number().int().min(0) }).optional(),
  ratelimits: z.array(verifyRatelimitSchema).max(20).optional(),
  migrationId: plainText(1, 255).optional(),
});

/** The SDK's `RatelimitResponse`. */
export const ratelimitResponseSchema = z.object({
  id: z.string(),
  name: z.string(),
  limit: z.number(),
  duration: z.number(),
  autoApply: z.boolean(),
});

/** The SDK's `Identity`. */
export const identitySchema = z.object({
  id: z.string(),
  externalId: z.string(),
  meta: z.record(z.string(), z.unknown()).optional(),
  ratelimits: z.array(ratelimitResponseSchema).optional(),
});

/** The SDK's `V2KeysVerifyKeyResponseData`. */
export const verifyKeyData = z.object({
  valid: z.boolean(),
  code: z.enum([
    "VALID",
    "NOT_FOUND",
    "FORBIDDEN",
    "INSUFFICIENT_PERMISSIONS",
    "USAGE_EXCEEDED",
    "RATE_LIMITED",
    "DISABLED",
    "EXPIRED",
  ]),
  keyId: z.string().optional(),
  name: z.string().optional(),
  meta: z.record(z.string(), z.unknown()).optional(),
  expires: z.number().optional(),
  credits: z.number().optional(),
  enabled: z.boolean().optional(),
  permissions: z.array(z.string()).optional(),
  roles: z.array(z.string()).optional(),
  identity: identitySchema.optional(),
  ratelimits: z
    .array(
      ratelimitResponseSchema.extend({
        exceeded: z.boolean(),
        reset: z.number(),
        remaining: z.number(),
      }),
    )
    .optional(),
});
