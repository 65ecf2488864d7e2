import { z } from "zod";
import { type KeyLocation, keyLocationSchema } from "./keylocation.js";
import { keyRatelimitSchema } from "./keyratelimit.js";
import { plainString, policyLimits } from "./limits.js";

/** The SDK's `KeyauthPolicy`. */
export const keyauthPolicySchema = z.strictObject({
  keyspaces: z
    .array(plainString(policyLimits.fieldNameLength).min(1))
    .min(1)
    .max(policyLimits.keyspaces),
  /** Tried in order; `[{ bearer: {} }]` when omitted. */
  locations: z.array(keyLocationSchema).min(1).max(policyLimits.keyLocations).optional(),
  permissionQuery: plainString(policyLimits.permissionQueryLength).min(1).optional(),
  ratelimits: z.array(keyRatelimitSchema).max(policyLimits.keyRatelimits).optional(),
  /** Credits a request spends; 1 when omitted, 0 verifies only. */
  credits: z.number().int().min(0).max(policyLimits.maxCredits).optional(),
});

export type KeyauthPolicy = z.infer<typeof keyauthPolicySchema>;

export const defaultKeyLocations: readonly KeyLocation[] = [{ bearer: {} }];
export const defaultKeyCredits = 1;
