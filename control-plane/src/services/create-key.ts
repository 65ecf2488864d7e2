import {
  CreateKeyError,
  type CreateKeyErrorCode,
  type CreateKeyInput,
  createApiKey,
  publishKeyChange,
} from "@slipway/keys";
import { AppError } from "@slipway/shared";
import { recordAudit } from "./audit.js";
import type { ServiceContext } from "./context.js";
import { requireKeyRuntime, resolveKeyspace } from "./keyspaces.js";

const createKeyErrors: Record<
  CreateKeyErrorCode,
  "not_found" | "precondition_failed" | "bad_request"
> = {
  keyspace_not_found: "not_found",
  recoverable_not_allowed: "precondition_failed",
  invalid_permission: "bad_request",
  invalid_input: "bad_request",
};

/**
 * Creates a key in the API (keyspace) addressed, checked against `create_key` on it, with its
 * audit row in the same transaction. The plaintext is returned here and nowhere else.
 */
export async function createKey(
  ctx: ServiceContext,
  input: Omit<CreateKeyInput, "workspaceId" | "keyspaceId"> & { apiId: string },
) {
  const keys = requireKeyRuntime(ctx);
  const { apiId, ...fields } = input;
  const now = ctx.clock();
  let created: { keyId: string; key: string; hash: string };
  try {
    created = await ctx.db.transaction(async (tx) => {
      const keyspace = await resolveKeyspace({ ...ctx, db: tx }, apiId);
      const result = await createApiKey(
        tx,
        { ...fields, workspaceId: ctx.workspaceId, keyspaceId: keyspace.id },
        { seal: (plaintext, context) => ctx.cipher.seal(plaintext, context), now },
      );
      await recordAudit(tx, ctx, {
        action: "key.create",
        targetType: "key",
        targetId: result.keyId,
        context: {
          apiId: keyspace.id,
          ...(fields.name !== undefined && { name: fields.name }),
          ...(fields.externalId !== undefined && { externalId: fields.externalId }),
          recoverable: fields.recoverable ?? false,
        },
      });
      return result;
    });
  } catch (error) {
    if (error instanceof CreateKeyError) {
      throw new AppError(createKeyErrors[error.code], error.message, { cause: error });
    }
    throw error;
  }
  // A process that looked this hash up before (and cached "unknown") must see it now.
  await publishKeyChange(keys.redis, keys.redisPrefix, { hash: created.hash });
  return { keyId: created.keyId, key: created.key };
}
