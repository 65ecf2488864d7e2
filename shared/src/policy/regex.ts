import { RE2JS } from "re2js";
import { policyLimits } from "./limits.js";

export type CompiledRegex = RE2JS;

/**
 * Compiles a user pattern with RE2 semantics (re2js is a port of RE2: no backreferences, no
 * lookaround, linear-time matching), so a pattern that would backtrack catastrophically in
 * JavaScript's engine cannot be stored, and none ever runs on the event loop without a bound.
 * Throws with RE2's message when RE2 would reject the pattern or it is over the size limits.
 */
export function compileRegex(pattern: string, ignoreCase = false): CompiledRegex {
  if (pattern.length > policyLimits.regexLength) {
    throw new Error(`regex is longer than ${policyLimits.regexLength} characters`);
  }
  const compiled = RE2JS.compile(pattern, ignoreCase ? RE2JS.CASE_INSENSITIVE : 0);
  if (compiled.programSize() > policyLimits.regexProgramSize) {
    throw new Error(
      `regex compiles to ${compiled.programSize()} instructions, more than ${policyLimits.regexProgramSize}`,
    );
  }
  return compiled;
}

/** The reason RE2 rejects `pattern`, or undefined when it compiles within the limits. */
export function regexProblem(pattern: string): string | undefined {
  try {
    compileRegex(pattern);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}
