import { publishNamespaceChange } from "@slipway/keys";
import { newId, notFound } from "@slipway/shared";
import { and, asc, eq, gt } from "drizzle-orm";
import { type Page, toPage } from "../api-schemas/common.js";
import type { DatabaseOrTransaction } from "../db/client.js";
import { type RatelimitOverrideRow, ratelimitOverrides } from "../db/schema/index.js";
import { recordAudit } from "./audit.js";
import type { ServiceContext } from "./context.js";
import { requireKeyRuntime } from "./keyspaces.js";
import { resolveNamespace } from "./ratelimit-namespaces.js";

const overrideView = (row: RatelimitOverrideRow) => ({
  overrideId: row.id,
  identifier: row.identifier,
  limit: row.limit,
  duration: row.duration,
});

/**
 * Drops the namespace from this process's cache at once and from every other's when the
 * notification arrives, so the next `ratelimit.limit` reads the overrides as they now are.
 */
async function announceChange(ctx: ServiceContext, namespaceId: string) {
  const keys = requireKeyRuntime(ctx);
  keys.namespaces.invalidateNamespace(namespaceId);
  await publishNamespaceChange(keys.redis, keys.redisPrefix, namespaceId);
}

/** Creates or replaces the override of `identifier` (exactly, stars included) in a namespace. */
export async function setOverride(
  ctx: ServiceContext,
  input: { namespace: string; identifier: string; limit: number; duration: number },
) {
  requireKeyRuntime(ctx);
  const now = ctx.clock();
  const { namespaceId, overrideId } = await ctx.db.transaction(async (tx) => {
    const namespace = await resolveNamespace({ ...ctx, db: tx }, input.namespace);
    const [row] = await tx
      .insert(ratelimitOverrides)
      .values({
        id: newId("ratelimitOverride", now.getTime()),
        workspaceId: ctx.workspaceId,
        namespaceId: namespace.id,
        identifier: input.identifier,
        limit: input.limit,
        duration: input.duration,
        createdAt: now,
      })
      .onConflictDoUpdate({
        target: [ratelimitOverrides.namespaceId, ratelimitOverrides.identifier],
        set: { limit: input.limit, duration: input.duration, updatedAt: now },
      })
      .returning({ id: ratelimitOverrides.id });
    await recordAudit(tx, ctx, {
      action: "ratelimit_override.set",
      targetType: "ratelimit_override",
      targetId: row!.id,
      context: {
        namespaceId: namespace.id,
        identifier: input.identifier,
        limit: input.limit,
        duration: input.duration,
      },
    });
    return { namespaceId: namespace.id, overrideId: row!.id };
  });
  await announceChange(ctx, namespaceId);
  return { overrideId };
}

async function findOverride(db: DatabaseOrTransaction, namespaceId: string, identifier: string) {
  const [row] = await db
    .select()
    .from(ratelimitOverrides)
    .where(
      and(
        eq(ratelimitOverrides.namespaceId, namespaceId),
        eq(ratelimitOverrides.identifier, identifier),
      ),
    )
    .limit(1);
  if (!row) throw notFound(`The override of '${identifier}'`);
  return row;
}

/** The override stored for exactly this identifier (a pattern is looked up as written). */
export async function getOverride(
  ctx: ServiceContext,
  input: { namespace: string; identifier: string },
) {
  const namespace = await resolveNamespace(ctx, input.namespace);
  return overrideView(await findOverride(ctx.db, namespace.id, input.identifier));
}

export async function listOverrides(
  ctx: ServiceContext,
  input: { namespace: string; cursor?: string | undefined; limit: number },
): Promise<Page<ReturnType<typeof overrideView>>> {
  const namespace = await resolveNamespace(ctx, input.namespace);
  const rows = await ctx.db
    .select()
    .from(ratelimitOverrides)
    .where(
      and(
        eq(ratelimitOverrides.namespaceId, namespace.id),
        input.cursor ? gt(ratelimitOverrides.id, input.cursor) : undefined,
      ),
    )
    .orderBy(asc(ratelimitOverrides.id))
    .limit(input.limit + 1);
  const page = toPage(rows, input.limit);
  return { ...page, items: page.items.map(overrideView) };
}

/** Identifiers it matched fall back to the request's limit (or another override) at once. */
export async function deleteOverride(
  ctx: ServiceContext,
  input: { namespace: string; identifier: string },
) {
  requireKeyRuntime(ctx);
  const namespaceId = await ctx.db.transaction(async (tx) => {
    const namespace = await resolveNamespace({ ...ctx, db: tx }, input.namespace);
    const row = await findOverride(tx, namespace.id, input.identifier);
    await tx.delete(ratelimitOverrides).where(eq(ratelimitOverrides.id, row.id));
    await recordAudit(tx, ctx, {
      action: "ratelimit_override.delete",
      targetType: "ratelimit_override",
      targetId: row.id,
      context: { namespaceId: namespace.id, identifier: row.identifier },
    });
    return namespace.id;
  });
  await announceChange(ctx, namespaceId);
}
