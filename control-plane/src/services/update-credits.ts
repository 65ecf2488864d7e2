import { lockKeyRow, publishKeyChange, updateKeyRow } from "@slipway/keys";
import { AppError } from "@slipway/shared";
import type { ApiKeyRow } from "../db/schema/index.js";
import { recordAudit } from "./audit.js";
import type { ServiceContext } from "./context.js";
import { resolveApiKey } from "./key-views.js";
import { requireKeyRuntime } from "./keyspaces.js";

export interface UpdateCreditsInput {
  keyId: string;
  operation: "set" | "increment" | "decrement";
  value?: number | null | undefined;
}

const refillView = (row: ApiKeyRow) =>
  row.refillInterval
    ? {
        refill: {
          interval: row.refillInterval,
          amount: row.refillAmount ?? 0,
          ...(row.refillDay !== null && { refillDay: row.refillDay }),
        },
      }
    : {};

/**
 * updateCredits. A key with a balance changes in Redis, the live balance, atomically with any
 * concurrent verification (the write-back copies it to PostgreSQL); a key becoming unlimited
 * or limited changes its row, and every process's cache drops it. The key row is locked for
 * the change, so the audit row commits with it (or not at all when Redis fails).
 */
export async function updateCredits(ctx: ServiceContext, input: UpdateCreditsInput) {
  const keys = requireKeyRuntime(ctx);
  const { operation, value } = input;
  if (operation !== "set" && (value === undefined || value === null)) {
    throw new AppError("bad_request", `'value' is required to ${operation} credits.`);
  }
  const store = keys.verifier.ledger;
  const result = await ctx.db.transaction(async (tx) => {
    const key = await resolveApiKey({ ...ctx, db: tx }, input.keyId);
    await lockKeyRow(tx, key.id);
    let remaining: number | null;
    let changedRow = false;
    if (value === null || value === undefined) {
      // set to unlimited: the balance and its refill go.
      await updateKeyRow(
        tx,
        key.id,
        {
          creditsRemaining: null,
          refillInterval: null,
          refillAmount: null,
          refillDay: null,
          lastRefillAt: null,
        },
        ctx.clock(),
      );
      remaining = null;
      changedRow = key.creditsRemaining !== null;
    } else if (key.creditsRemaining === null) {
      if (operation !== "set") {
        throw new AppError(
          "bad_request",
          `Key '${key.id}' has unlimited credits; 'set' a number first to ${operation} them.`,
        );
      }
      await updateKeyRow(tx, key.id, { creditsRemaining: value }, ctx.clock(), {
        newCreditBalance: true,
      });
      remaining = value;
      changedRow = true;
    } else {
      const next = await store.adjust(key.id, { operation, value }, async () => ({
        remaining: key.creditsRemaining!,
        version: key.creditsVersion,
        refilledAt: key.lastRefillAt?.getTime() ?? 0,
      }));
      remaining = next ?? null;
      await updateKeyRow(tx, key.id, {}, ctx.clock());
    }
    await recordAudit(tx, ctx, {
      action: "key.update_credits",
      targetType: "key",
      targetId: key.id,
      context: { apiId: key.keyspaceId, operation, value: value ?? null },
    });
    const refill = remaining === null ? {} : refillView(key);
    return { key, changedRow, data: { remaining, ...refill } };
  });
  if (result.changedRow) {
    // A balance Redis still holds from before would shadow the new row.
    await store.forget(result.key.id);
    keys.verifier.cache.invalidateHash(result.key.hash);
    await publishKeyChange(keys.redis, keys.redisPrefix, { hash: result.key.hash });
  }
  return result.data;
}
