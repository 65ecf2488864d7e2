import { deleteKeyRow, publishKeyChange } from "@slipway/keys";
import { recordAudit } from "./audit.js";
import type { ServiceContext } from "./context.js";
import { resolveApiKey } from "./key-views.js";
import { requireKeyRuntime } from "./keyspaces.js";

/**
 * Soft delete by default (the row stays, so its hash can never verify again), `permanent`
 * removes it. Every process's cache drops the key once the delete has committed.
 */
export async function deleteKey(
  ctx: ServiceContext,
  input: { keyId: string; permanent?: boolean },
) {
  const keys = requireKeyRuntime(ctx);
  const now = ctx.clock();
  const row = await ctx.db.transaction(async (tx) => {
    const key = await resolveApiKey({ ...ctx, db: tx }, input.keyId);
    await deleteKeyRow(tx, key.id, { permanent: input.permanent ?? false, now });
    await recordAudit(tx, ctx, {
      action: "key.delete",
      targetType: "key",
      targetId: key.id,
      context: { apiId: key.keyspaceId, permanent: input.permanent ?? false },
    });
    return key;
  });
  // This process drops it at once; the others when the notification arrives.
  keys.verifier.cache.invalidateHash(row.hash);
  await publishKeyChange(keys.redis, keys.redisPrefix, { hash: row.hash });
  await keys.verifier.ledger.forget(row.id);
}
