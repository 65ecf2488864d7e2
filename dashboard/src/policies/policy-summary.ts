import type { MatchExpr, PolicyKind, StoredPolicy, StringMatch } from "@slipway/shared/policy";

/** Type-only imports: the list page shows policies without loading the schema or re2js. */
export const kindLabels: Record<PolicyKind, string> = {
  firewall: "Firewall (deny)",
  keyauth: "Key authentication",
  ratelimit: "Rate limit",
  openapi: "OpenAPI validation",
  logging: "Logging",
};

/** The schema's `policyKinds` (checked in policy-draft.test.ts), without loading the schema. */
export const policyKinds = Object.keys(kindLabels) as PolicyKind[];

export function kindOf(policy: StoredPolicy): PolicyKind {
  return policyKinds.find((kind) => policy[kind] !== undefined) ?? "firewall";
}

function describeString(match: StringMatch): string {
  const flag = match.ignoreCase ? " (any case)" : "";
  if (match.regex !== undefined) return `matches /${match.regex}/${flag}`;
  if (match.prefix !== undefined) return `starts with ${match.prefix}${flag}`;
  return `is ${match.exact ?? ""}${flag}`;
}

export function describeMatch(expression: MatchExpr): string {
  if (expression.path) return `path ${describeString(expression.path.path)}`;
  if (expression.method) return `method is ${expression.method.methods.join(" or ")}`;
  const [what, field] = expression.header
    ? ["header", expression.header]
    : ["query", expression.queryParam!];
  return field.value
    ? `${what} ${field.name} ${describeString(field.value)}`
    : `${what} ${field.name} present`;
}

/** One line: when the policy applies. */
export function describePolicyMatch(policy: StoredPolicy): string {
  const match = policy.match ?? [];
  return match.length === 0 ? "every request" : match.map(describeMatch).join(" and ");
}
