import { newId } from "@slipway/shared";
import { and, eq } from "drizzle-orm";
import type { NodePgDatabase } from "drizzle-orm/node-postgres";
import {
  CreateKeyError,
  type CreateKeyInput,
  insertKeyRelations,
  keyRowValues,
  validateKeyInput,
} from "./key-writer.js";
import { upsertIdentity } from "./rbac/identity-store.js";
import { apiKeys } from "./schema/api-keys.js";
import { keyspaces } from "./schema/keyspaces.js";

/** One key of `keys.migrateKeys`: the SDK's `V2KeysMigrateKeyData`. */
export type MigratedKeyInput = Omit<
  CreateKeyInput,
  "workspaceId" | "keyspaceId" | "prefix" | "byteLength" | "recoverable"
> & {
  /** base64(SHA-256(key)), exactly what Slipway stores: the key verifies as it did before. */
  hash: string;
};

/** Keys per call: Unkey writes migrations in chunks of this many; one transaction here. */
export const migrateBatchMax = 1000;

/** Standard base64 of 32 bytes. A hex digest (64 characters) or anything else is refused. */
export const migratedHashPattern = /^[A-Za-z0-9+/]{43}=$/;

/**
 * Inserts keys whose plaintext Slipway never sees, by their hash, in one transaction. A hash
 * already stored (in any workspace: hashes are unique) or repeated in the batch goes to
 * `failed` and nothing of it is written; the rest are created with their fields as createKey
 * would (identity upserted, missing permissions created, roles must exist). `start` is empty:
 * nothing of the key is known. The caller publishes the new hashes after the commit.
 */
export async function migrateApiKeys(
  // biome-ignore lint/suspicious/noExplicitAny: any drizzle schema that includes these tables.
  db: Pick<NodePgDatabase<any>, "transaction">,
  batch: { workspaceId: string; keyspaceId: string; keys: readonly MigratedKeyInput[] },
  now: Date = new Date(),
): Promise<{ migrated: Array<{ hash: string; keyId: string }>; failed: string[] }> {
  if (batch.keys.length > migrateBatchMax) {
    throw new CreateKeyError("invalid_input", `at most ${migrateBatchMax} keys per call`);
  }
  batch.keys.forEach((key, i) => {
    if (!migratedHashPattern.test(key.hash)) {
      throw new CreateKeyError(
        "invalid_input",
        `keys[${i}].hash must be the base64 of a SHA-256 digest (44 characters)`,
      );
    }
    validateKeyInput(key);
  });
  const migrated: Array<{ hash: string; keyId: string }> = [];
  const failed: string[] = [];
  await db.transaction(async (tx) => {
    const [keyspace] = await tx
      .select({ id: keyspaces.id })
      .from(keyspaces)
      .where(and(eq(keyspaces.workspaceId, batch.workspaceId), eq(keyspaces.id, batch.keyspaceId)));
    if (!keyspace) throw new CreateKeyError("keyspace_not_found", "the API does not exist");
    for (const key of batch.keys) {
      const input = { ...key, workspaceId: batch.workspaceId, keyspaceId: batch.keyspaceId };
      const keyId = newId("apiKey", now.getTime());
      // Checked before the identity is upserted, so a failed key leaves nothing behind; the
      // insert below still refuses a hash stored meanwhile.
      const [taken] = await tx
        .select({ id: apiKeys.id })
        .from(apiKeys)
        .where(eq(apiKeys.hash, key.hash));
      if (taken) {
        failed.push(key.hash);
        continue;
      }
      const identityId =
        key.externalId === undefined
          ? undefined
          : await upsertIdentity({ db: tx, workspaceId: batch.workspaceId, now }, key.externalId);
      const [inserted] = await tx
        .insert(apiKeys)
        .values(keyRowValues(input, { keyId, hash: key.hash, start: "", identityId }, now))
        .onConflictDoNothing({ target: apiKeys.hash })
        .returning({ id: apiKeys.id });
      if (!inserted) {
        failed.push(key.hash);
        continue;
      }
      await insertKeyRelations(tx, input, keyId, now);
      migrated.push({ hash: key.hash, keyId });
    }
  });
  return { migrated, failed };
}
