import { publishKeyChange } from "@slipway/keys";
import { AppError, isId, newId, notFound } from "@slipway/shared";
import { and, asc, eq, gt, inArray, isNotNull } from "drizzle-orm";
import { type Page, toPage } from "../api-schemas/common.js";
import { apiKeys, type KeyspaceRow, keyspaces } from "../db/schema/index.js";
import { recordAudit } from "./audit.js";
import type { ServiceContext } from "./context.js";
import type { TenantScope } from "./resolve.js";

/**
 * Finds a keyspace (the SDK's API) of the caller's workspace and checks the grant on it: another
 * workspace's keyspace answers exactly like a missing one.
 */
export async function resolveKeyspace(scope: TenantScope, apiId: string): Promise<KeyspaceRow> {
  const [row] = await scope.db
    .select()
    .from(keyspaces)
    .where(and(eq(keyspaces.workspaceId, scope.workspaceId), eq(keyspaces.id, apiId)))
    .limit(1);
  if (!row) throw notFound(`API '${apiId}'`);
  scope.access({ apiId: row.id });
  return row;
}

export async function createKeyspace(
  ctx: ServiceContext,
  input: { name: string; recoverableKeys?: boolean | undefined },
) {
  const now = ctx.clock();
  const id = newId("keyspace", now.getTime());
  await ctx.db.transaction(async (tx) => {
    await tx.insert(keyspaces).values({
      id,
      workspaceId: ctx.workspaceId,
      name: input.name,
      recoverableKeys: input.recoverableKeys ?? false,
      createdAt: now,
    });
    await recordAudit(tx, ctx, {
      action: "api.create",
      targetType: "api",
      targetId: id,
      context: { name: input.name, recoverableKeys: input.recoverableKeys ?? false },
    });
  });
  return { apiId: id };
}

export async function getKeyspace(ctx: ServiceContext, apiId: string) {
  const row = await resolveKeyspace(ctx, apiId);
  return { id: row.id, name: row.name };
}

/**
 * listApis: the workspace's keyspaces in id (creation) order, only those the grant may read
 * (`api.*.read_api` lists all, `api.<id>.read_api` that one). The cursor is the last id seen;
 * anything else is a 400, never a silent empty page.
 */
export async function listKeyspaces(
  ctx: ServiceContext,
  input: { limit: number; cursor?: string | undefined },
): Promise<Page<{ id: string; name: string }>> {
  if (input.cursor !== undefined && !isId("keyspace", input.cursor)) {
    throw new AppError("bad_request", "The cursor is not one this endpoint returned.", {
      errors: [{ location: "body.cursor", message: "unknown cursor" }],
    });
  }
  const readable = ctx.access.grantedIds();
  if (readable !== "all" && readable.length === 0) return { items: [], hasMore: false };
  const rows = await ctx.db
    .select({ id: keyspaces.id, name: keyspaces.name })
    .from(keyspaces)
    .where(
      and(
        eq(keyspaces.workspaceId, ctx.workspaceId),
        readable === "all" ? undefined : inArray(keyspaces.id, readable),
        input.cursor ? gt(keyspaces.id, input.cursor) : undefined,
      ),
    )
    .orderBy(asc(keyspaces.id))
    .limit(input.limit + 1);
  return toPage(rows, input.limit);
}

/** Balances dropped concurrently when an API goes: bounded, however many keys it had. */
const forgetBatch = 500;

/**
 * Deletes the keyspace and (by cascade) its keys; every process's cache drops them, and their
 * live credit balances leave Redis (nothing would ever read or clear them again).
 */
export async function deleteKeyspace(ctx: ServiceContext, apiId: string) {
  const keys = requireKeyRuntime(ctx);
  const keysWithCredits = await ctx.db.transaction(async (tx) => {
    const row = await resolveKeyspace({ ...ctx, db: tx }, apiId);
    const withCredits = await tx
      .select({ id: apiKeys.id })
      .from(apiKeys)
      .where(and(eq(apiKeys.keyspaceId, row.id), isNotNull(apiKeys.creditsRemaining)));
    await tx.delete(keyspaces).where(eq(keyspaces.id, row.id));
    await recordAudit(tx, ctx, {
      action: "api.delete",
      targetType: "api",
      targetId: row.id,
      context: { name: row.name },
    });
    return withCredits.map((key) => key.id);
  });
  // This process drops them at once; the others when the notification arrives.
  keys.verifier.cache.invalidateWorkspace(ctx.workspaceId);
  await publishKeyChange(keys.redis, keys.redisPrefix, { workspaceId: ctx.workspaceId });
  // Run after the commit: a crash before this leaves orphan balances, never a live key without.
  for (let start = 0; start < keysWithCredits.length; start += forgetBatch) {
    const batch = keysWithCredits.slice(start, start + forgetBatch);
    await Promise.all(batch.map((keyId) => keys.verifier.ledger.forget(keyId)));
  }
}

/** The keys endpoints need the verifier and Redis; a process without them cannot serve them. */
export function requireKeyRuntime(ctx: Pick<ServiceContext, "keys">) {
  if (!ctx.keys) {
    throw new AppError("service_unavailable", "API keys need Redis, and this process has none.");
  }
  return ctx.keys;
}
