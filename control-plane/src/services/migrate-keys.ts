import {
  CreateKeyError,
  type MigratedKeyInput,
  migrateApiKeys,
  publishKeyChange,
} from "@slipway/keys";
import { AppError } from "@slipway/shared";
import { recordAudit } from "./audit.js";
import type { ServiceContext } from "./context.js";
import { requireKeyRuntime, resolveKeyspace } from "./keyspaces.js";

/**
 * keys.migrateKeys: keys from another system by their hash, into an API the root key may
 * create keys in, with an audit row per key created, all in one transaction. A hash that
 * already exists is listed in `failed`, not an error.
 */
export async function migrateKeys(
  ctx: ServiceContext,
  input: { migrationId: string; apiId: string; keys: MigratedKeyInput[] },
) {
  const keys = requireKeyRuntime(ctx);
  const now = ctx.clock();
  let outcome: Awaited<ReturnType<typeof migrateApiKeys>>;
  try {
    outcome = await ctx.db.transaction(async (tx) => {
      const keyspace = await resolveKeyspace({ ...ctx, db: tx }, input.apiId);
      const result = await migrateApiKeys(
        tx,
        { workspaceId: ctx.workspaceId, keyspaceId: keyspace.id, keys: input.keys },
        now,
      );
      for (const { keyId } of result.migrated) {
        await recordAudit(tx, ctx, {
          action: "key.migrate",
          targetType: "key",
          targetId: keyId,
          context: { apiId: keyspace.id, migrationId: input.migrationId },
        });
      }
      return result;
    });
  } catch (error) {
    if (error instanceof CreateKeyError) {
      const code = error.code === "keyspace_not_found" ? "not_found" : "bad_request";
      throw new AppError(code, error.message, { cause: error });
    }
    throw error;
  }
  // A process that cached any of these hashes as unknown must see them now: unknown entries
  // go with any change of the workspace.
  if (outcome.migrated.length > 0) {
    await publishKeyChange(keys.redis, keys.redisPrefix, { workspaceId: ctx.workspaceId });
    keys.verifier.cache.invalidateWorkspace(ctx.workspaceId);
  }
  return outcome;
}
