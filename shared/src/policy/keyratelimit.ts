import { z } from "zod";
import { plainString, policyLimits } from "./limits.js";

/** The SDK's `KeyRatelimit`: `limit` and `duration` together or neither. */
export const keyRatelimitSchema = z
  .strictObject({
    name: plainString(policyLimits.fieldNameLength).min(1),
    limit: z.number().int().min(1).max(policyLimits.maxLimit).optional(),
    duration: z
      .number()
      .int()
      .min(policyLimits.minWindowMs)
      .max(policyLimits.maxWindowMs)
      .optional(),
    cost: z.number().int().min(0).max(policyLimits.maxLimit).optional(),
  })
  .superRefine((value, ctx) => {
    if ((value.limit === undefined) !== (value.duration === undefined)) {
      ctx.addIssue({
        code: "custom",
        message: "key rate limit: `limit` and `duration` must be set together or both omitted",
      });
    }
  });

export type KeyRatelimit = z.infer<typeof keyRatelimitSchema>;
