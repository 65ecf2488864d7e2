import { z } from "zod";

export const metaSchema = z.object({ requestId: z.string() });

export const paginationSchema = z.object({
  cursor: z.string().optional(),
  hasMore: z.boolean(),
});

/** A project, app or environment named by its prefixed id or by its slug. */
export const identifierSchema = z
  .string()
  .min(1, "must not be empty")
  .max(255, "must be at most 255 characters");

export const slugSchema = z
  .string()
  .min(1, "must not be empty")
  .max(63, "must be at most 63 characters")
  .regex(
    /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/,
    "must be a DNS label: lowercase letters, digits and '-', starting and ending with a letter or digit",
  );

export const nameSchema = z
  .string()
  .trim()
  .min(1, "must not be empty")
  .max(255, "must be at most 255 characters");

/**
 * A git branch name as `git check-ref-format --branch` accepts it: no whitespace or control
 * characters, none of `~^:?*[\`, no `..`, `@{`, `//`, no leading `-` or `/`, no trailing `/`,
 * `.` or `.lock`.
 */
export const branchNameSchema = z
  .string()
  .min(1)
  .max(255)
  .refine(
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it refuses
    (value) => !/[\s\x00-\x1f\x7f~^:?*[\\]|\.\.|@\{|\/\/|^\/|\/$|\.lock$|^-|\.$|^@$/.test(value),
    { message: "must be a valid git branch name" },
  );

export const limitSchema = z.number().int().min(1).max(100).default(100);
export const cursorSchema = z.string().min(1).max(255).optional();
export const searchSchema = z.string().max(255).optional();

export const emptyResponseSchema = z.object({});

export function envelopeSchema<T extends z.ZodType>(data: T) {
  return z.object({ meta: metaSchema, data });
}

export function listEnvelopeSchema<T extends z.ZodType>(item: T) {
  return z.object({ meta: metaSchema, data: z.array(item), pagination: paginationSchema });
}

export interface Page<T> {
  items: T[];
  cursor?: string;
  hasMore: boolean;
}

/** Rows are fetched `limit + 1` at a time; the extra row only says whether more exist. */
export function toPage<T extends { id: string }>(rows: T[], limit: number): Page<T> {
  const hasMore = rows.length > limit;
  const items = hasMore ? rows.slice(0, limit) : rows;
  const last = items.at(-1);
  return hasMore && last ? { items, cursor: last.id, hasMore } : { items, hasMore };
}
