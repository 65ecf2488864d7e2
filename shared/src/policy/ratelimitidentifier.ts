import { z } from "zod";
import { exactlyOne, fieldName, policyLimits } from "./limits.js";

/** `a.b.c`: a dotted path into the verified principal (e.g. `identity.externalId`, `meta.plan`). */
const principalPath = z
  .string()
  .min(1)
  .max(policyLimits.principalPathLength)
  .regex(/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/, "must be a dotted path such as `meta.tenantId`");

/** The SDK's `RatelimitIdentifier`: exactly one source. */
export const ratelimitIdentifierSchema = z
  .strictObject({
    remoteIp: z.strictObject({}).optional(),
    header: z.strictObject({ name: fieldName }).optional(),
    authenticatedSubject: z.strictObject({}).optional(),
    path: z.strictObject({}).optional(),
    principalField: z.strictObject({ path: principalPath }).optional(),
  })
  .superRefine(
    exactlyOne(
      ["remoteIp", "header", "authenticatedSubject", "path", "principalField"],
      "rate limit identifier",
    ),
  );

export type RatelimitIdentifier = z.infer<typeof ratelimitIdentifierSchema>;
