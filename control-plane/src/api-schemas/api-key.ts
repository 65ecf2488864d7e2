import { keyPrefixPattern, maxExpires, permissionNamePattern } from "@slipway/keys";
import { z } from "zod";
import { apiIdSchema, keyStringSchema, plainText } from "./keyspace.js";
import { identitySchema, ratelimitResponseSchema } from "./verify-key.js";

/** The SDK's `KeyCreditsRefill`. */
export const creditsRefillSchema = z.strictObject({
  interval: z.enum(["daily", "monthly"]),
  amount: z.number().int().min(1),
  refillDay: z.number().int().min(1).max(31).optional(),
});

/** The SDK's `KeyCreditsData`: `remaining` null means unlimited. */
const creditsSchema = z
  .strictObject({
    remaining: z.number().int().min(0).nullable(),
    refill: creditsRefillSchema.optional(),
  })
  .refine((credits) => !credits.refill || credits.remaining !== null, {
    message: "remaining is required with a refill",
    path: ["remaining"],
  })
  .refine(
    (credits) =>
      !credits.refill ||
      (credits.refill.interval === "monthly") === (credits.refill.refillDay !== undefined),
    { message: "refillDay is required for monthly refills and only for them", path: ["refill"] },
  );

/** The SDK's `RatelimitRequest`. */
export const ratelimitRequestSchema = z.strictObject({
  name: plainText(1, 128),
  limit: z.number().int().min(0),
  duration: z.number().int().min(1000).max(2_592_000_000),
  autoApply: z.boolean().optional(),
});

/** A key's ratelimits: names are unique per key. */
export const ratelimitsSchema = z
  .array(ratelimitRequestSchema)
  .max(100)
  .refine(
    (limits) => new Set(limits.map((limit) => limit.name)).size === limits.length,
    "ratelimit names must be unique",
  );

export const externalIdSchema = plainText(1, 255).regex(
  /^[a-zA-Z0-9_.-]+$/,
  "may hold letters, digits, '_', '.' and '-'",
);
export const permissionNameSchema = z
  .string()
  .min(1)
  .max(512)
  .regex(permissionNamePattern, "may hold letters, digits and _ : - . *");
export const metaSchema = z
  .record(z.string(), z.unknown())
  // PostgreSQL's jsonb refuses NUL in strings: a 400 here, not a 500 later.
  .refine((meta) => !JSON.stringify(meta).includes("\\u0000"), "must not contain NUL characters");

/** The SDK's `V2KeysCreateKeyRequestBody`. */
export const createKeyBody = z.strictObject({
  apiId: apiIdSchema,
  prefix: z.string().regex(keyPrefixPattern, "must be 1–16 letters, digits or '_'").optional(),
  name: plainText(1, 255).optional(),
  byteLength: z.number().int().min(16).max(255).optional(),
  externalId: externalIdSchema.optional(),
  meta: metaSchema.optional(),
  roles: z.array(plainText(1, 512)).max(1000).optional(),
  permissions: z.array(permissionNameSchema).max(1000).optional(),
  expires: z.number().int().min(0).max(maxExpires).optional(),
  credits: creditsSchema.optional(),
  ratelimits: ratelimitsSchema.optional(),
  enabled: z.boolean().optional(),
  recoverable: z.boolean().optional(),
});
/** The SDK's `V2KeysCreateKeyResponseData`. */
export const createKeyData = z.object({ keyId: z.string(), key: z.string() });

/** The SDK's `KeyResponseData` (getKey, whoami, listKeys). */
export const keyResponseSchema = z.object({
  keyId: z.string(),
  start: z.string(),
  enabled: z.boolean(),
  name: z.string().optional(),
  meta: z.record(z.string(), z.unknown()).optional(),
  createdAt: z.number(),
  updatedAt: z.number().optional(),
  lastUsedAt: z.number().optional(),
  expires: z.number().optional(),
  permissions: z.array(z.string()).optional(),
  roles: z.array(z.string()).optional(),
  credits: z
    .object({
      remaining: z.number().nullable(),
      refill: z
        .object({
          interval: z.enum(["daily", "monthly"]),
          amount: z.number(),
          refillDay: z.number().optional(),
        })
        .optional(),
    })
    .optional(),
  identity: identitySchema.optional(),
  plaintext: z.string().optional(),
  ratelimits: z.array(ratelimitResponseSchema).optional(),
});

/** The SDK's `V2KeysGetKeyRequestBody`. */
export const getKeyBody = z.strictObject({
  keyId: plainText(3, 255),
  decrypt: z.boolean().optional(),
});
/** The SDK's `V2KeysDeleteKeyRequestBody`. */
export const deleteKeyBody = z.strictObject({
  keyId: plainText(3, 255),
  permanent: z.boolean().optional(),
});
/** The SDK's `V2KeysWhoamiRequestBody`. */
export const whoamiBody = z.strictObject({ key: keyStringSchema });
/** The SDK's `V2ApisListKeysRequestBody`; `revalidateKeysCache` is accepted: reads never cache. */
export const listKeysBody = z.strictObject({
  apiId: apiIdSchema,
  limit: z.number().int().min(1).max(100).default(100),
  cursor: plainText(1, 255).optional(),
  externalId: externalIdSchema.optional(),
  decrypt: z.boolean().optional(),
  revalidateKeysCache: z.boolean().optional(),
});

/** The SDK's `V2KeysUpdateCreditsRequestBody`; `null` with `set` makes the key unlimited. */
export const updateCreditsBody = z.strictObject({
  keyId: plainText(3, 255),
  value: z.number().int().min(0).nullable().optional(),
  operation: z.enum(["set", "increment", "decrement"]),
});
/** The SDK's `KeyCreditsData`, updateCredits' answer. */
export const creditsResponseSchema = keyResponseSchema.shape.credits.unwrap();

/** The SDK's `V2KeysRerollKeyRequestBody`: the old key expires `expiration` ms from now. */
export const rerollKeyBody = z.strictObject({
  keyId: plainText(3, 255),
  expiration: z.number().int().min(0),
});
