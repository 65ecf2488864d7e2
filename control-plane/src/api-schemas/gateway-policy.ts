import {
  firewallPolicySchema,
  keyauthPolicySchema,
  loggingPolicySchema,
  matchExprSchema,
  openapiPolicySchema,
  ratelimitPolicySchema,
} from "@slipway/shared/policy";
import { z } from "zod";

/**
 * The SDK's `PolicyResponse`: a stored policy with its server-generated id and exactly one
 * rule. The request bodies are `@slipway/shared/policy`'s (Sentinel compiles the same schema).
 */
export const policyResponseSchema = z.object({
  id: z.string(),
  name: z.string(),
  enabled: z.boolean(),
  match: z.array(matchExprSchema).optional(),
  keyauth: keyauthPolicySchema.optional(),
  ratelimit: ratelimitPolicySchema.optional(),
  firewall: firewallPolicySchema.optional(),
  openapi: openapiPolicySchema.optional(),
  logging: loggingPolicySchema.optional(),
});
