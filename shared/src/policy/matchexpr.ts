import { z } from "zod";
import { fieldMatchSchema } from "./fieldmatch.js";
import { exactlyOne } from "./limits.js";
import { stringMatchSchema } from "./stringmatch.js";

/** The SDK's `MethodMatchMethod`. */
export const matchMethods = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"] as const;
export type MatchMethod = (typeof matchMethods)[number];

/** The SDK's `PathMatch`. */
export const pathMatchSchema = z.strictObject({ path: stringMatchSchema });

/** The SDK's `MethodMatch`. */
export const methodMatchSchema = z.strictObject({
  methods: z
    .array(z.enum(matchMethods))
    .min(1)
    .max(matchMethods.length)
    .refine((methods) => new Set(methods).size === methods.length, "methods must be unique"),
});

/** The SDK's `MatchExpr`: exactly one of `path`, `method`, `header` or `queryParam`. */
export const matchExprSchema = z
  .strictObject({
    path: pathMatchSchema.optional(),
    method: methodMatchSchema.optional(),
    header: fieldMatchSchema.optional(),
    queryParam: fieldMatchSchema.optional(),
  })
  .superRefine(exactlyOne(["path", "method", "header", "queryParam"], "match expression"));

export type PathMatch = z.infer<typeof pathMatchSchema>;
export type MethodMatch = z.infer<typeof methodMatchSchema>;
export type MatchExpr = z.infer<typeof matchExprSchema>;
