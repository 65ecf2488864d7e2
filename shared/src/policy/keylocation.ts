import { z } from "zod";
import { exactlyOne, fieldName, plainString, policyLimits } from "./limits.js";

/** The SDK's `BearerTokenLocation`: `Authorization: Bearer <key>`. */
export const bearerTokenLocationSchema = z.strictObject({});

/** The SDK's `HeaderKeyLocation`. */
export const headerKeyLocationSchema = z.strictObject({
  name: fieldName,
  /** Removed from the header value before verification. */
  stripPrefix: plainString(policyLimits.stringLength).optional(),
});

/** The SDK's `QueryParamKeyLocation`. */
export const queryParamKeyLocationSchema = z.strictObject({
  name: z.string().min(1).max(policyLimits.fieldNameLength),
});

/** The SDK's `KeyLocation`: exactly one of `bearer`, `header` or `queryParam`. */
export const keyLocationSchema = z
  .strictObject({
    bearer: bearerTokenLocationSchema.optional(),
    header: headerKeyLocationSchema.optional(),
    queryParam: queryParamKeyLocationSchema.optional(),
  })
  .superRefine(exactlyOne(["bearer", "header", "queryParam"], "key location"));

export type KeyLocation = z.infer<typeof keyLocationSchema>;
