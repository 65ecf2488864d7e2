import { maxExpires } from "@slipway/keys";
import { z } from "zod";
import {
  creditsRefillSchema,
  externalIdSchema,
  metaSchema,
  permissionNameSchema,
  ratelimitsSchema,
} from "./api-key.js";
import { plainText } from "./keyspace.js";

/**
 * The SDK's `V2KeysUpdateKeyRequestBody`: a field that is absent stays as it is, `null` clears
 * it; `ratelimits`, `roles` and `permissions` replace the key's own entirely.
 */
export const updateKeyBody = z.strictObject({
  keyId: plainText(3, 255),
  name: plainText(1, 255).nullable().optional(),
  externalId: externalIdSchema.nullable().optional(),
  meta: metaSchema.nullable().optional(),
  expires: z.number().int().min(0).max(maxExpires).nullable().optional(),
  credits: z
    .strictObject({
      remaining: z.number().int().min(0).nullable().optional(),
      refill: creditsRefillSchema
        .refine(
          (refill) => (refill.interval === "monthly") === (refill.refillDay !== undefined),
          "refillDay is required for monthly refills and only for them",
        )
        .nullable()
        .optional(),
    })
    .nullable()
    .optional(),
  ratelimits: ratelimitsSchema.optional(),
  enabled: z.boolean().optional(),
  roles: z.array(plainText(1, 512)).max(1000).optional(),
  permissions: z.array(permissionNameSchema).max(1000).optional(),
});

export type UpdateKeyInput = z.output<typeof updateKeyBody>;
