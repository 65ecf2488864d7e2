import { z } from "zod";
import { exactlyOne, fieldName } from "./limits.js";
import { stringMatchSchema } from "./stringmatch.js";

/** The SDK's `FieldMatch` (a header or query parameter): exactly one of `present` or `value`. */
export const fieldMatchSchema = z
  .strictObject({
    name: fieldName,
    present: z.literal(true).optional(),
    value: stringMatchSchema.optional(),
  })
  .superRefine(exactlyOne(["present", "value"], "field match"));

export type FieldMatch = z.infer<typeof fieldMatchSchema>;
