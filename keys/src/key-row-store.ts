import { eq, sql } from "drizzle-orm";
import type { KeysDatabase } from "./keys-database.js";
import { apiKeys } from "./schema/api-keys.js";

/**
 * The fields of a key's row the keys.* calls change after it is created (updateKey,
 * updateCredits, rerollKey). Its hash, start, keyspace and sealed form never change.
 */
export type KeyRowChanges = Partial<
  Pick<
    typeof apiKeys.$inferInsert,
    | "name"
    | "meta"
    | "enabled"
    | "expiresAt"
    | "identityId"
    | "creditsRemaining"
    | "refillInterval"
    | "refillAmount"
    | "refillDay"
    | "lastRefillAt"
  >
>;

/** Locks a key's row until the caller's transaction ends, so changes to one key queue. */
export async function lockKeyRow(db: KeysDatabase, keyId: string): Promise<void> {
  await db.select({ id: apiKeys.id }).from(apiKeys).where(eq(apiKeys.id, keyId)).for("update");
}

/**
 * Changes a key's row. `newCreditBalance` bumps the credits version, so a balance Redis
 * loaded from the old row is not written back over the new one.
 */
export async function updateKeyRow(
  db: KeysDatabase,
  keyId: string,
  changes: KeyRowChanges,
  now: Date,
  options: { newCreditBalance?: boolean } = {},
): Promise<void> {
  await db
    .update(apiKeys)
    .set({
      ...changes,
      ...(options.newCreditBalance && { creditsVersion: sql`${apiKeys.creditsVersion} + 1` }),
      updatedAt: now,
    })
    .where(eq(apiKeys.id, keyId));
}

/**
 * deleteKey: soft by default (the row stays, so its hash can never verify or be migrated in
 * again); `permanent` removes it, its grants and ratelimits by cascade.
 */
export async function deleteKeyRow(
  db: KeysDatabase,
  keyId: string,
  options: { permanent: boolean; now: Date },
): Promise<void> {
  if (options.permanent) await db.delete(apiKeys).where(eq(apiKeys.id, keyId));
  else await db.update(apiKeys).set({ deletedAt: options.now }).where(eq(apiKeys.id, keyId));
}
