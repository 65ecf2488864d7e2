import { z } from "zod";
import { exactlyOne, plainString, policyLimits } from "./limits.js";
import { regexProblem } from "./regex.js";

/** The SDK's `StringMatch`: exactly one of `exact`, `prefix` or `regex`; `ignoreCase` with any. */
export const stringMatchSchema = z
  .strictObject({
    exact: plainString(policyLimits.stringLength).optional(),
    prefix: plainString(policyLimits.stringLength).optional(),
    /** An RE2 pattern, matched anywhere in the input (RE2's and Go's `MatchString`). */
    regex: z
      .string()
      .max(policyLimits.regexLength)
      .superRefine((pattern, ctx) => {
        const problem = regexProblem(pattern);
        if (problem) ctx.addIssue({ code: "custom", message: `invalid RE2 regex: ${problem}` });
      })
      .optional(),
    ignoreCase: z.boolean().optional(),
  })
  .superRefine(exactlyOne(["exact", "prefix", "regex"], "string match"));

export type StringMatch = z.infer<typeof stringMatchSchema>;
