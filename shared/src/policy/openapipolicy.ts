import { z } from "zod";

/**
 * The SDK's `OpenapiPolicy`: no configuration of its own. Until OpenAPI specs can be uploaded,
 * the policy is the documented no-op ("no spec uploaded: requests pass through unvalidated").
 */
export const openapiPolicySchema = z.strictObject({});

export type OpenapiPolicy = z.infer<typeof openapiPolicySchema>;
