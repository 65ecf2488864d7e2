import { z } from "zod";

/**
 * Bounds on every user-controlled part of a policy (house style: hostile input is bounded
 * before use). The numbers are generous for real configurations and small enough that a
 * Sentinel evaluating 50 policies per request stays in the microseconds.
 */
export const policyLimits = {
  policiesPerEnvironment: 50,
  nameLength: 128,
  matchExpressions: 16,
  stringLength: 1024,
  regexLength: 1024,
  /** RE2 program instructions; RE2's own default budget allows roughly 8 MiB / 64 B. */
  regexProgramSize: 5000,
  fieldNameLength: 256,
  keyspaces: 16,
  keyLocations: 8,
  permissionQueryLength: 1024,
  keyRatelimits: 8,
  identifiers: 5,
  principalPathLength: 256,
  maxLimit: 1_000_000_000,
  minWindowMs: 1000,
  maxWindowMs: 30 * 24 * 60 * 60 * 1000,
  maxCredits: 1_000_000,
} as const;

// biome-ignore lint/suspicious/noControlCharactersInRegex: this is the set being rejected
const controlCharacters = /[\u0000-\u001f\u007f]/;

/** A string without control characters (they never reach PostgreSQL or a header). */
export const plainString = (max: number) =>
  z
    .string()
    .max(max)
    .refine((value) => !controlCharacters.test(value), "must not contain control characters");

/** An HTTP field name: an RFC 9110 token. */
export const fieldName = z
  .string()
  .min(1)
  .max(policyLimits.fieldNameLength)
  .regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, "must be an HTTP field name (RFC 9110 token)");

/** Exactly one of `keys` is set on `value`; adds an issue naming them otherwise. */
export function exactlyOne(keys: readonly string[], what: string) {
  return (value: Record<string, unknown>, ctx: z.RefinementCtx) => {
    const set = keys.filter((key) => value[key] !== undefined);
    if (set.length !== 1) {
      ctx.addIssue({
        code: "custom",
        message: `${what}: exactly one of ${keys.map((k) => `\`${k}\``).join(", ")} must be set${set.length > 1 ? ` (got ${set.join(", ")})` : ""}`,
      });
    }
  };
}
