import { newId } from "@slipway/shared";
import { eq } from "drizzle-orm";
import type { KeysDatabase } from "../keys-database.js";
import { keyRatelimits } from "../schema/key-ratelimits.js";

/** The SDK's `RatelimitRequest`: a named limit a verify can name (or that always applies). */
export interface NamedRatelimit {
  name: string;
  limit: number;
  duration: number;
  autoApply?: boolean | undefined;
}

/** A key or an identity: `key_ratelimits` rows belong to exactly one of them. */
export type RatelimitOwner = { keyId: string } | { identityId: string };

/**
 * Replaces the named ratelimits of a key or an identity (createKey, updateKey, rerollKey,
 * createIdentity, updateIdentity): afterwards it has exactly `limits`. The only writer of
 * `key_ratelimits`; deletes of keys and identities take their rows by cascade.
 */
export async function replaceRatelimits(
  scope: { db: KeysDatabase; workspaceId: string; now: Date },
  owner: RatelimitOwner,
  limits: readonly NamedRatelimit[],
  options: { isNew?: boolean } = {},
): Promise<void> {
  const { db, workspaceId, now } = scope;
  // A key or identity created in this transaction has none yet: skip the delete.
  if (!options.isNew) {
    await db
      .delete(keyRatelimits)
      .where(
        "keyId" in owner
          ? eq(keyRatelimits.keyId, owner.keyId)
          : eq(keyRatelimits.identityId, owner.identityId),
      );
  }
  if (limits.length === 0) return;
  await db.insert(keyRatelimits).values(
    limits.map((limit) => ({
      id: newId("ratelimit", now.getTime()),
      workspaceId,
      keyId: "keyId" in owner ? owner.keyId : null,
      identityId: "identityId" in owner ? owner.identityId : null,
      name: limit.name,
      limit: limit.limit,
      duration: limit.duration,
      autoApply: limit.autoApply ?? false,
      createdAt: now,
    })),
  );
}
