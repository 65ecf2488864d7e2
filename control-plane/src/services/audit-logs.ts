import { and, desc, eq, lt } from "drizzle-orm";
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

export async function listAuditLogs(
  ctx: ServiceContext,
  input: {
    limit: number;
    cursor?: string | undefined;
    targetId?: string | undefined;
    action?: string | undefined;
  },
): Promise<Page<ReturnType<typeof auditLogView>>> {
  const rows = await ctx.db
    .select()
    .from(auditLogs)
    .where(
      and(
        eq(auditLogs.workspaceId, ctx.workspaceId),
        input.targetId ? eq(auditLogs.targetId, input.targetId) : undefined,
        input.action ? eq(auditLogs.action, input.action) : undefined,
        input.cursor ? lt(auditLogs.id, input.cursor) : undefined,
      ),
    )
    .orderBy(desc(auditLogs.id))
    .limit(input.limit + 1);
  const page = toPage(rows, input.limit);
  return { ...page, items: page.items.map(auditLogView) };
}
