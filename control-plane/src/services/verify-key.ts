import {
  PermissionQueryError,
  RatelimitInputError,
  UnknownRatelimitError,
  VerifyInputError,
  type VerifyKeyResponseData,
} from "@slipway/keys";
import { AppError } from "@slipway/shared";
import type { ServiceContext } from "./context.js";
import { requireKeyRuntime } from "./keyspaces.js";

export interface VerifyKeyBody {
  key: string;
  permissions?: string | undefined;
  credits?: { cost: number } | undefined;
  ratelimits?:
    | Array<{
        name: string;
        cost?: number | undefined;
        limit?: number | undefined;
        duration?: number | undefined;
      }>
    | undefined;
}

/**
 * verifyKey: every failed check is a 200 with `valid: false` and its code. The root key's
 * `verify_key` grants decide which APIs (keyspaces) it may verify in; a key elsewhere, like one
 * of another workspace, is plain NOT_FOUND, so existence never leaks. No grant at all was a 403
 * before this runs.
 */
export async function verifyKey(
  ctx: ServiceContext,
  body: VerifyKeyBody,
): Promise<VerifyKeyResponseData> {
  const keys = requireKeyRuntime(ctx);
  const granted = ctx.access.grantedIds();
  try {
    return await keys.verifier.verify({
      workspaceId: ctx.workspaceId,
      ...(granted !== "all" && { keyspaceIds: granted }),
      key: body.key,
      ...(body.permissions !== undefined && { permissionQuery: body.permissions }),
      ...(body.credits && { credits: body.credits }),
      ...(body.ratelimits && {
        ratelimits: body.ratelimits.map((limit) => ({
          name: limit.name,
          ...(limit.cost !== undefined && { cost: limit.cost }),
          ...(limit.limit !== undefined && { limit: limit.limit }),
          ...(limit.duration !== undefined && { duration: limit.duration }),
        })),
      }),
    });
  } catch (error) {
    // Messages name the query position or the ratelimit, never the key.
    if (
      error instanceof PermissionQueryError ||
      error instanceof VerifyInputError ||
      error instanceof RatelimitInputError
    ) {
      throw new AppError("bad_request", error.message, { cause: error });
    }
    if (error instanceof UnknownRatelimitError) {
      throw new AppError(
        "precondition_failed",
        `${error.message}; give 'limit' and 'duration' to check an inline limit`,
        { cause: error },
      );
    }
    throw error;
  }
}
