import { z } from "zod";
import { firewallPolicySchema } from "./firewallpolicy.js";
import { keyauthPolicySchema } from "./keyauthpolicy.js";
import { plainString, policyLimits } from "./limits.js";
import { loggingPolicySchema } from "./loggingpolicy.js";
import { matchExprSchema } from "./matchexpr.js";
import { openapiPolicySchema } from "./openapipolicy.js";
import { ratelimitPolicySchema } from "./ratelimitpolicy.js";

/** The five rule kinds; a policy sets exactly one. */
export const policyKinds = ["keyauth", "ratelimit", "firewall", "openapi", "logging"] as const;
export type PolicyKind = (typeof policyKinds)[number];

const ruleFields = {
  keyauth: keyauthPolicySchema.optional(),
  ratelimit: ratelimitPolicySchema.optional(),
  firewall: firewallPolicySchema.optional(),
  openapi: openapiPolicySchema.optional(),
  logging: loggingPolicySchema.optional(),
};

const matchList = z.array(matchExprSchema).max(policyLimits.matchExpressions);
const policyName = plainString(policyLimits.nameLength).min(1);

function ruleCount(value: Record<string, unknown>): string[] {
  return policyKinds.filter((kind) => value[kind] !== undefined);
}

/** The SDK's `Policy` (what setPolicies sends): exactly one rule kind. */
export const policySchema = z
  .strictObject({
    name: policyName,
    enabled: z.boolean(),
    match: matchList.optional(),
    ...ruleFields,
  })
  .superRefine((value, ctx) => {
    const set = ruleCount(value);
    if (set.length !== 1) {
      ctx.addIssue({
        code: "custom",
        message: `exactly one of ${policyKinds.map((k) => `\`${k}\``).join(", ")} must be set${set.length > 1 ? ` (got ${set.join(", ")})` : ""}`,
      });
    }
  });

export type PolicyInput = z.input<typeof policySchema>;
export type Policy = z.output<typeof policySchema>;

/** The SDK's `PolicyResponse`: a stored policy with its server-generated id. */
export type StoredPolicy = Policy & { id: string };

/** The kind of rule a parsed policy carries. */
export function policyKind(policy: Policy): PolicyKind {
  return ruleCount(policy)[0] as PolicyKind;
}

/** A project, app or environment: an id (`proj_…`) or a slug. */
const resourceRef = plainString(256).min(1);
const environmentRef = { project: resourceRef, app: resourceRef, environment: resourceRef };

/** `gateway.listPolicies` request body. */
export const listPoliciesBodySchema = z.strictObject(environmentRef);

/** `gateway.setPolicies` request body: the complete list, at most 50, all valid or nothing. */
export const setPoliciesBodySchema = z.strictObject({
  ...environmentRef,
  policies: z.array(policySchema).max(policyLimits.policiesPerEnvironment),
});

/**
 * `gateway.updatePolicy` request body: at least one updatable field, at most one rule;
 * `match: null` removes the match expressions.
 */
export const updatePolicyBodySchema = z
  .strictObject({
    ...environmentRef,
    policyId: plainString(128).min(1),
    name: policyName.optional(),
    enabled: z.boolean().optional(),
    match: matchList.nullable().optional(),
    ...ruleFields,
  })
  .superRefine((value, ctx) => {
    const rules = ruleCount(value);
    if (rules.length > 1) {
      ctx.addIssue({
        code: "custom",
        message: `at most one of ${policyKinds.map((k) => `\`${k}\``).join(", ")} may be set (got ${rules.join(", ")})`,
      });
    }
    const updates = ["name", "enabled", "match", ...policyKinds].filter(
      (field) => (value as Record<string, unknown>)[field] !== undefined,
    );
    if (updates.length === 0) {
      ctx.addIssue({ code: "custom", message: "at least one updatable field must be provided" });
    }
  });

export type ListPoliciesBody = z.output<typeof listPoliciesBodySchema>;
export type SetPoliciesBody = z.output<typeof setPoliciesBodySchema>;
export type UpdatePolicyBody = z.output<typeof updatePolicyBodySchema>;

/** Applies an updatePolicy body to a stored policy: id and position stay, a rule replaces the rule. */
export function applyPolicyUpdate(stored: StoredPolicy, update: UpdatePolicyBody): StoredPolicy {
  const newRule = policyKinds.find((kind) => update[kind] !== undefined);
  const next: StoredPolicy = {
    id: stored.id,
    name: update.name ?? stored.name,
    enabled: update.enabled ?? stored.enabled,
  };
  const match = update.match === undefined ? stored.match : (update.match ?? undefined);
  if (match !== undefined) next.match = match;
  const source = newRule ? update : stored;
  const kind = newRule ?? policyKind(stored);
  (next as Record<string, unknown>)[kind] = source[kind];
  return next;
}
