import { type KeyRowChanges, lockKeyRow, publishKeyChange, updateKeyRow } from "@slipway/keys";
import { AppError } from "@slipway/shared";
import type { UpdateKeyInput } from "../api-schemas/update-key.js";
import { recordAudit } from "./audit.js";
import type { ServiceContext } from "./context.js";
import {
  replacePermissions,
  replaceRatelimits,
  replaceRoles,
  upsertIdentity,
} from "./key-links.js";
import { resolveApiKey } from "./key-views.js";
import { requireKeyRuntime } from "./keyspaces.js";

interface CreditPlan {
  changes: KeyRowChanges;
  /** A limited key's new balance goes through Redis, atomically with verifications. */
  setBalance?: number;
  /** The key's credits became unlimited or limited: a balance Redis holds must go. */
  forgetBalance: boolean;
}

function planCredits(
  credits: UpdateKeyInput["credits"],
  current: { creditsRemaining: number | null },
  now: Date,
): CreditPlan | undefined {
  if (credits === undefined) return undefined;
  const limited = current.creditsRemaining !== null;
  if (credits === null || credits.remaining === null) {
    return {
      changes: {
        creditsRemaining: null,
        refillInterval: null,
        refillAmount: null,
        refillDay: null,
        lastRefillAt: null,
      },
      forgetBalance: limited,
    };
  }
  const plan: CreditPlan = { changes: {}, forgetBalance: false };
  if (credits.remaining !== undefined) {
    if (limited) plan.setBalance = credits.remaining;
    else {
      plan.changes.creditsRemaining = credits.remaining;
      plan.forgetBalance = true;
    }
  }
  if (credits.refill === null) {
    Object.assign(plan.changes, { refillInterval: null, refillAmount: null, refillDay: null });
  } else if (credits.refill !== undefined) {
    if (credits.remaining === undefined && !limited) {
      throw new AppError("bad_request", "A refill needs credits: give credits.remaining too.");
    }
    Object.assign(plan.changes, {
      refillInterval: credits.refill.interval,
      refillAmount: credits.refill.amount,
      refillDay: credits.refill.refillDay ?? null,
      // The first refill is the next boundary, not the one just passed.
      lastRefillAt: now,
    });
  }
  return plan;
}

/**
 * updateKey: absent fields stay, `null` clears; permissions, roles and ratelimits are replaced.
 * One transaction with its audit row; afterwards every process's cache drops the key, and a
 * new credit balance replaces the one Redis held.
 */
export async function updateKey(ctx: ServiceContext, input: UpdateKeyInput) {
  const keys = requireKeyRuntime(ctx);
  const now = ctx.clock();
  const { keyId, ...fields } = input;
  const { key, credits } = await ctx.db.transaction(async (tx) => {
    const key = await resolveApiKey({ ...ctx, db: tx }, keyId);
    await lockKeyRow(tx, key.id);
    const scope = { tx, workspaceId: ctx.workspaceId, keyId: key.id, now };
    const credits = planCredits(fields.credits, key, now);
    const changes: KeyRowChanges = {
      ...(fields.name !== undefined && { name: fields.name }),
      ...(fields.meta !== undefined && { meta: fields.meta }),
      ...(fields.enabled !== undefined && { enabled: fields.enabled }),
      ...(fields.expires !== undefined && {
        expiresAt: fields.expires === null ? null : new Date(fields.expires),
      }),
      ...(fields.externalId !== undefined && {
        identityId:
          fields.externalId === null ? null : await upsertIdentity(scope, fields.externalId),
      }),
      ...credits?.changes,
    };
    await updateKeyRow(tx, key.id, changes, now);
    if (credits?.setBalance !== undefined) {
      await keys.verifier.ledger.adjust(
        key.id,
        { operation: "set", value: credits.setBalance },
        async () => ({
          remaining: key.creditsRemaining!,
          version: key.creditsVersion,
          refilledAt: key.lastRefillAt?.getTime() ?? 0,
        }),
      );
    }
    if (fields.permissions) await replacePermissions(scope, fields.permissions);
    if (fields.roles) await replaceRoles(scope, fields.roles);
    if (fields.ratelimits) await replaceRatelimits(scope, fields.ratelimits);
    await recordAudit(tx, ctx, {
      action: "key.update",
      targetType: "key",
      targetId: key.id,
      context: {
        apiId: key.keyspaceId,
        fields: Object.keys(fields).filter(
          (name) => fields[name as keyof typeof fields] !== undefined,
        ),
      },
    });
    return { key, credits };
  });
  // A balance Redis still holds would shadow the one just written.
  if (credits?.forgetBalance) await keys.verifier.ledger.forget(key.id);
  keys.verifier.cache.invalidateHash(key.hash);
  await publishKeyChange(keys.redis, keys.redisPrefix, { hash: key.hash });
}
