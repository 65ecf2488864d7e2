import type { LoadedNamespace } from "@slipway/keys";
import { newId, notFound } from "@slipway/shared";
import { and, desc, eq, or, sql } from "drizzle-orm";
import { type RatelimitNamespaceRow, ratelimitNamespaces } from "../db/schema/index.js";
import { recordAudit } from "./audit.js";
import type { ServiceContext } from "./context.js";
import { requireKeyRuntime } from "./keyspaces.js";
import type { TenantScope } from "./resolve.js";

/**
 * A namespace of the caller's workspace by id or name (an id wins over another namespace's
 * name), checked against the grant on it; another workspace's answers like a missing one.
 */
export async function resolveNamespace(
  scope: TenantScope,
  ref: string,
): Promise<RatelimitNamespaceRow> {
  const [row] = await scope.db
    .select()
    .from(ratelimitNamespaces)
    .where(
      and(
        eq(ratelimitNamespaces.workspaceId, scope.workspaceId),
        or(eq(ratelimitNamespaces.id, ref), eq(ratelimitNamespaces.name, ref)),
      ),
    )
    .orderBy(desc(sql`${ratelimitNamespaces.id} = ${ref}`))
    .limit(1);
  if (!row) throw notFound(`Ratelimit namespace '${ref}'`);
  scope.access({ ratelimitId: row.id });
  return row;
}

/**
 * The namespace `ratelimit.limit` checks in, from the process's cache. An unknown name is
 * created on first use, as Unkey does, when the root key holds `ratelimit.*.create_namespace`;
 * otherwise it is a 404. Then the grant must cover `limit` on it.
 */
export async function namespaceForLimit(
  ctx: ServiceContext,
  ref: string,
): Promise<LoadedNamespace> {
  const keys = requireKeyRuntime(ctx);
  const load = () => keys.namespaceStore.load(ctx.workspaceId, ref);
  let namespace = await keys.namespaces.get(ctx.workspaceId, ref, load);
  if (!namespace) {
    if (!ctx.access.allows("create_namespace", {})) {
      throw notFound(`Ratelimit namespace '${ref}'`);
    }
    await createNamespace(ctx, ref);
    namespace = await keys.namespaces.get(ctx.workspaceId, ref, load);
    if (!namespace) throw notFound(`Ratelimit namespace '${ref}'`);
  }
  ctx.access({ ratelimitId: namespace.id });
  return namespace;
}

/** Idempotent: two first uses racing create one namespace, and one audit row. */
async function createNamespace(ctx: ServiceContext, name: string): Promise<void> {
  const now = ctx.clock();
  await ctx.db.transaction(async (tx) => {
    const [created] = await tx
      .insert(ratelimitNamespaces)
      .values({
        id: newId("ratelimitNamespace", now.getTime()),
        workspaceId: ctx.workspaceId,
        name,
        createdAt: now,
      })
      .onConflictDoNothing()
      .returning({ id: ratelimitNamespaces.id });
    if (!created) return;
    await recordAudit(tx, ctx, {
      action: "ratelimit_namespace.create",
      targetType: "ratelimit_namespace",
      targetId: created.id,
      context: { name },
    });
  });
}
