import { z } from "zod";
import { policyLimits } from "./limits.js";
import { ratelimitIdentifierSchema } from "./ratelimitidentifier.js";

/**
 * The SDK's `RatelimitPolicy`. Exactly one of `identifiers` (1-5 sources forming a compound
 * key) or the deprecated one-source `identifier`; parsing always yields `identifiers`, as the
 * API's responses do.
 */
export const ratelimitPolicySchema = z
  .strictObject({
    limit: z.number().int().min(1).max(policyLimits.maxLimit),
    windowMs: z.number().int().min(policyLimits.minWindowMs).max(policyLimits.maxWindowMs),
    identifier: ratelimitIdentifierSchema.optional(),
    identifiers: z.array(ratelimitIdentifierSchema).min(1).max(policyLimits.identifiers).optional(),
  })
  .superRefine((value, ctx) => {
    if ((value.identifier === undefined) === (value.identifiers === undefined)) {
      ctx.addIssue({
        code: "custom",
        message: "rate limit: set exactly one of `identifiers` and the deprecated `identifier`",
      });
    }
  })
  .transform(({ limit, windowMs, identifier, identifiers }) => ({
    limit,
    windowMs,
    identifiers: identifiers ?? (identifier ? [identifier] : []),
  }));

export type RatelimitPolicyInput = z.input<typeof ratelimitPolicySchema>;
export type RatelimitPolicy = z.output<typeof ratelimitPolicySchema>;
