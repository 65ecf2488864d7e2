import {
  listPoliciesBodySchema,
  setPoliciesBodySchema,
  updatePolicyBodySchema,
} from "@slipway/shared/policy";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { emptyResponseSchema } from "../api-schemas/common.js";
import { policyResponseSchema } from "../api-schemas/gateway-policy.js";
import { type ContextFactory, defineRoute } from "../http/define-route.js";
import { listPolicies, setPolicies, updatePolicy } from "../services/gateway-policies.js";

/** The SDK's `gateway.*`, with its permissions (`environment.<id|*>.<action>`). */
export function gatewayRoutes(app: FastifyInstance, makeContext: ContextFactory) {
  defineRoute(app, makeContext, {
    operation: "gateway.listPolicies",
    summary: "List an environment's gateway policies in evaluation order",
    permission: { resource: "environment", action: "read_policies", scope: "object" },
    body: listPoliciesBodySchema,
    data: z.array(policyResponseSchema),
    handler: (ctx, body) => listPolicies(ctx, body),
  });
  defineRoute(app, makeContext, {
    operation: "gateway.setPolicies",
    summary: "Replace an environment's gateway policies atomically (at most 50)",
    permission: { resource: "environment", action: "set_policies", scope: "object" },
    body: setPoliciesBodySchema,
    data: emptyResponseSchema,
    handler: async (ctx, body) => {
      await setPolicies(ctx, body);
      return {};
    },
  });
  defineRoute(app, makeContext, {
    operation: "gateway.updatePolicy",
    summary: "Change one policy in place; it keeps its id and position",
    permission: { resource: "environment", action: "update_policy", scope: "object" },
    body: updatePolicyBodySchema,
    data: emptyResponseSchema,
    handler: async (ctx, body) => {
      await updatePolicy(ctx, body);
      return {};
    },
  });
}
