import { policySchema, regexProblem } from "@slipway/shared/policy";

/**
 * The server's own validation, in the browser: the shared `policySchema` (and its RE2 regex
 * check, re2js) judges a policy exactly as `gateway.setPolicies` will. Loaded on its own when
 * the editor opens (use-policy-validator.ts): zod and re2js are most of its weight, and it
 * imports nothing else of the dashboard, so no page carries them.
 */
export function policyProblems(policy: unknown): string[] {
  const result = policySchema.safeParse(policy);
  if (result.success) return [];
  return result.error.issues.map((issue) => {
    const where = issue.path.length > 0 ? `${issue.path.join(".")}: ` : "";
    return `${where}${issue.message}`;
  });
}

/** RE2's complaint about a pattern (as the server would say it), or undefined when it compiles. */
export function patternProblem(pattern: string): string | undefined {
  return pattern === "" ? "a regex is required" : regexProblem(pattern);
}
