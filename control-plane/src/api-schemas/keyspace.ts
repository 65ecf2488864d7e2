import { z } from "zod";
import { cursorSchema, limitSchema } from "./common.js";

/** Text that reaches PostgreSQL: no control characters (NUL above all). */
export const plainText = (min: number, max: number) =>
  z
    .string()
    .min(min, `must be at least ${min} characters`)
    .max(max, `must be at most ${max} characters`)
    // biome-ignore lint/suspicious/noControlCharactersInRegex: that is what it refuses.
    .regex(/^[^\u0000-\u001f\u007f]*$/, "must not contain control characters");

/** A keyspace, `api_…`: what Unkey's SDK calls an API. */
export const apiIdSchema = plainText(3, 255);

/** The SDK's `V2ApisCreateApiRequestBody`, plus Slipway's `recoverableKeys` (not in the SDK). */
export const createApiBody = z.strictObject({
  name: plainText(3, 255),
  /** Whether keys of this API may be created `recoverable` (stored encrypted). */
  recoverableKeys: z.boolean().optional(),
});
export const createApiData = z.object({ apiId: z.string() });

/** `V2ApisGetApiRequestBody` and `V2ApisDeleteApiRequestBody`. */
export const apiRefBody = z.strictObject({ apiId: apiIdSchema });
/** `V2ApisGetApiResponseData`. */
export const apiSchema = z.object({ id: z.string(), name: z.string() });

/**
 * Slipway's `apis.listApis`, in the style of the SDK's other list calls (`apis.listKeys`,
 * `identities.listIdentities`): `limit` a page, `cursor` from the previous page's pagination.
 */
export const listApisBody = z.strictObject({ limit: limitSchema, cursor: cursorSchema });

/** The key as a root key presents it; never longer than this. */
export const keyStringSchema = plainText(1, 1024);
