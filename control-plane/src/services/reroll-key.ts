import {
  CreateKeyError,
  createApiKey,
  lockKeyRow,
  maxExpires,
  publishKeyChange,
  updateKeyRow,
} from "@slipway/keys";
import { AppError } from "@slipway/shared";
import { recordAudit } from "./audit.js";
import type { ServiceContext } from "./context.js";
import { keyViews, resolveApiKey } from "./key-views.js";
import { requireKeyRuntime } from "./keyspaces.js";

/** `start` is `<prefix>_` and four characters; base58 has no `_`, so the prefix is unambiguous. */
export function prefixOfStart(start: string): string | undefined {
  return start.length > 5 && start.at(-5) === "_" ? start.slice(0, -5) : undefined;
}

/**
 * rerollKey: a new key with the old one's settings (permissions, roles, limits, live credits
 * and refill, identity, meta, expiry, recoverability) in the same API; the old key expires
 * `expiration` ms from now (0: now), or earlier if it already would. One transaction with its
 * audit row; then every process's cache drops the old key.
 */
export async function rerollKey(ctx: ServiceContext, input: { keyId: string; expiration: number }) {
  const keys = requireKeyRuntime(ctx);
  const now = ctx.clock();
  const oldExpiry = now.getTime() + input.expiration;
  if (oldExpiry > maxExpires) {
    throw new AppError("bad_request", `expiration must end by ${maxExpires} (2100-01-01).`);
  }
  try {
    const result = await ctx.db.transaction(async (tx) => {
      const old = await resolveApiKey({ ...ctx, db: tx }, input.keyId);
      await lockKeyRow(tx, old.id);
      const recoverable = old.sealedKey !== null;
      if (recoverable) ctx.access.requireAlso("encrypt_key", { apiId: old.keyspaceId });
      const [view] = await keyViews({ ...ctx, db: tx }, [old], false);
      const prefix = prefixOfStart(old.start);
      const created = await createApiKey(
        tx,
        {
          workspaceId: ctx.workspaceId,
          keyspaceId: old.keyspaceId,
          ...(prefix && { prefix }),
          ...(view!.name !== undefined && { name: view!.name }),
          ...(view!.meta && { meta: view!.meta }),
          ...(view!.identity && { externalId: view!.identity.externalId }),
          permissions: view!.permissions,
          roles: view!.roles,
          ...(view!.expires !== undefined && { expires: view!.expires }),
          ...(view!.credits && { credits: view!.credits }),
          ratelimits: (view!.ratelimits ?? []).map(({ id: _, ...limit }) => limit),
          enabled: old.enabled,
          recoverable,
        },
        { seal: (plaintext, context) => ctx.cipher.seal(plaintext, context), now },
      );
      const expiresAt =
        old.expiresAt && old.expiresAt.getTime() < oldExpiry ? old.expiresAt : new Date(oldExpiry);
      await updateKeyRow(tx, old.id, { expiresAt }, now);
      await recordAudit(tx, ctx, {
        action: "key.reroll",
        targetType: "key",
        targetId: old.id,
        context: { apiId: old.keyspaceId, newKeyId: created.keyId, expiration: input.expiration },
      });
      return { old, created };
    });
    keys.verifier.cache.invalidateHash(result.old.hash);
    await publishKeyChange(keys.redis, keys.redisPrefix, { hash: result.old.hash });
    await publishKeyChange(keys.redis, keys.redisPrefix, { hash: result.created.hash });
    return { keyId: result.created.keyId, key: result.created.key };
  } catch (error) {
    if (error instanceof CreateKeyError) {
      throw new AppError("precondition_failed", error.message, { cause: error });
    }
    throw error;
  }
}
