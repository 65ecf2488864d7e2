import { and, asc, desc, eq, gt, lt } from "drizzle-orm";
import { type Page, toPage } from "../api-schemas/common.js";
import { auditLogs } from "../db/schema/index.js";
import type { ServiceContext } from "./context.js";

export function auditLogView(row: typeof auditLogs.$inferSelect) {
  return {
    id: row.id,
    actor: { type: row.actorType, id: row.actorId },
    action: row.action,
    target: { type: row.targetType, id: row.targetId },
    ...(row.requestId ? { requestId: row.requestId } : {}),
    context: row.context,
    createdAt: row.createdAt.getTime(),
  };
}

/** Ids start with their creation time (shared/src/ids.ts), so id order is time order. */
export const auditLogOrders = ["newest", "oldest"] as const;

export async function listAuditLogs(
  ctx: ServiceContext,
  input: {
    limit: number;
    cursor?: string | undefined;
    targetId?: string | undefined;
    targetType?: string | undefined;
    action?: string | undefined;
    order?: (typeof auditLogOrders)[number] | undefined;
  },
): Promise<Page<ReturnType<typeof auditLogView>>> {
  const oldestFirst = input.order === "oldest";
  const rows = await ctx.db
    .select()
    .from(auditLogs)
    .where(
      and(
        eq(auditLogs.workspaceId, ctx.workspaceId),
        input.targetId ? eq(auditLogs.targetId, input.targetId) : undefined,
        input.targetType ? eq(auditLogs.targetType, input.targetType) : undefined,
        input.action ? eq(auditLogs.action, input.action) : undefined,
        input.cursor ? (oldestFirst ? gt : lt)(auditLogs.id, input.cursor) : undefined,
      ),
    )
    .orderBy(oldestFirst ? asc(auditLogs.id) : desc(auditLogs.id))
    .limit(input.limit + 1);
  const page = toPage(rows, input.limit);
  return { ...page, items: page.items.map(auditLogView) };
}
