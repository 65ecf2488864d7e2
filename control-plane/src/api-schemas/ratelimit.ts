import { overrideIdentifierMaxLength, ratelimitDuration } from "@slipway/keys";
import { z } from "zod";
import { cursorSchema } from "./common.js";

/** A namespace's id or name, as Unkey's spec bounds it. */
export const namespaceRefSchema = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[a-zA-Z][a-zA-Z0-9_./-]*$/, "must start with a letter; then letters, digits, _ . / -");

const durationSchema = z.number().int().min(ratelimitDuration.min).max(ratelimitDuration.max);
/** 0 blocks every request (a ban); Unkey's upper bound. */
const limitSchema = z.number().int().min(0).max(1_000_000);

/** The SDK's `V2RatelimitLimitRequestBody`. */
export const limitBody = z.strictObject({
  namespace: namespaceRefSchema,
  identifier: z
    .string()
    .min(1)
    .max(255)
    .regex(/^[a-zA-Z0-9_.:/-]+$/, "may hold letters, digits and _ . : / -"),
  limit: limitSchema,
  duration: durationSchema,
  /** 0 consumes nothing (but still fails on an exhausted limit). */
  cost: z.number().int().min(0).max(1000).default(1),
});

/** The SDK's `V2RatelimitLimitResponseData`. */
export const limitData = z.object({
  limit: z.number(),
  remaining: z.number(),
  reset: z.number(),
  success: z.boolean(),
  overrideId: z.string().optional(),
});

/** The SDK's `Array<V2RatelimitLimitRequestBody>`: Unkey's 1–100 checks. */
export const multiLimitBody = z.array(limitBody).min(1).max(100);

/** The SDK's `V2RatelimitMultiLimitResponseData`. */
export const multiLimitData = z.object({
  passed: z.boolean(),
  limits: z.array(
    z.object({
      namespace: z.string(),
      identifier: z.string(),
      limit: z.number(),
      remaining: z.number(),
      reset: z.number(),
      passed: z.boolean(),
      overrideId: z.string().optional(),
    }),
  ),
});

/** An override's identifier: an identifier, or a pattern where `*` matches any run. */
const overrideIdentifierSchema = z
  .string()
  .min(1)
  .max(overrideIdentifierMaxLength)
  .regex(/^[a-zA-Z0-9_.:/*-]+$/, "may hold letters, digits, _ . : / - and * (any run)");

/** The SDK's `V2RatelimitSetOverrideRequestBody`. */
export const setOverrideBody = z.strictObject({
  namespace: namespaceRefSchema,
  identifier: overrideIdentifierSchema,
  limit: limitSchema,
  duration: durationSchema,
});
export const setOverrideData = z.object({ overrideId: z.string() });

/** `V2RatelimitGetOverrideRequestBody` and `V2RatelimitDeleteOverrideRequestBody`. */
export const overrideRefBody = z.strictObject({
  namespace: namespaceRefSchema,
  identifier: overrideIdentifierSchema,
});

/** The SDK's `RatelimitOverride`. */
export const overrideSchema = z.object({
  overrideId: z.string(),
  identifier: z.string(),
  limit: z.number(),
  duration: z.number(),
});

/** The SDK's `V2RatelimitListOverridesRequestBody`: 10 by default, at most 100. */
export const listOverridesBody = z.strictObject({
  namespace: namespaceRefSchema,
  cursor: cursorSchema,
  limit: z.number().int().min(1).max(100).default(10),
});
