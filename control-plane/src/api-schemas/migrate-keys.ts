import { migrateBatchMax, migratedHashPattern } from "@slipway/keys";
import { z } from "zod";
import { createKeyBody } from "./api-key.js";
import { apiIdSchema, plainText } from "./keyspace.js";

/** The SDK's `V2KeysMigrateKeyData`: createKey's fields, and the hash instead of a plaintext. */
const migratedKeySchema = createKeyBody
  .pick({
    name: true,
    externalId: true,
    meta: true,
    roles: true,
    permissions: true,
    expires: true,
    credits: true,
    ratelimits: true,
    enabled: true,
  })
  .extend({
    hash: z
      .string()
      .regex(migratedHashPattern, "must be the base64 of the key's SHA-256 digest (44 characters)"),
  });

/**
 * The SDK's `V2KeysMigrateKeysRequestBody`. Slipway knows one migration, whatever
 * `migrationId` says: hashes are base64(SHA-256(key)), what it stores itself. The id is
 * recorded in the audit rows.
 */
export const migrateKeysBody = z.strictObject({
  migrationId: plainText(3, 255),
  apiId: apiIdSchema,
  keys: z.array(migratedKeySchema).min(1).max(migrateBatchMax),
});

/** The SDK's `V2KeysMigrateKeysResponseData`. */
export const migrateKeysData = z.object({
  migrated: z.array(z.object({ hash: z.string(), keyId: z.string() })),
  failed: z.array(z.string()),
});
