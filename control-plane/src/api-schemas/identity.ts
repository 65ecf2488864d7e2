import { z } from "zod";
import { externalIdSchema, metaSchema, ratelimitsSchema } from "./api-key.js";
import { cursorSchema, limitSchema, searchSchema } from "./common.js";
import { plainText } from "./keyspace.js";

/** An identity named by its id (`id_…`) or its externalId. */
const identityRefSchema = plainText(1, 255);

/** The SDK's `V2IdentitiesCreateIdentityRequestBody`. */
export const createIdentityBody = z.strictObject({
  externalId: externalIdSchema,
  meta: metaSchema.optional(),
  ratelimits: ratelimitsSchema.optional(),
});
/** The SDK's `V2IdentitiesCreateIdentityResponseData`. */
export const createIdentityData = z.object({ identityId: z.string() });

/** The SDK's `V2IdentitiesGetIdentityRequestBody` and `…DeleteIdentityRequestBody`. */
export const identityRefBody = z.strictObject({ identity: identityRefSchema });

/** The SDK's `V2IdentitiesUpdateIdentityRequestBody`: absent fields stay, given ones replace. */
export const updateIdentityBody = z.strictObject({
  identity: identityRefSchema,
  meta: metaSchema.optional(),
  ratelimits: ratelimitsSchema.optional(),
});

/** The SDK's `V2IdentitiesListIdentitiesRequestBody`. */
export const listIdentitiesBody = z.strictObject({
  limit: limitSchema,
  cursor: cursorSchema,
  search: searchSchema,
});
