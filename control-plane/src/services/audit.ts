import { newId } from "@slipway/shared";
import type { DatabaseOrTransaction } from "../db/client.js";
import { auditLogs } from "../db/schema/index.js";
import type { ServiceContext } from "./context.js";

export interface AuditEntry {
  action: string;
  targetType: string;
  targetId: string;
  /** Names and ids only: never a secret value. */
  context?: Record<string, unknown>;
}

/** Written in the same transaction as the change, so a mutation without its audit row can't exist. */
export async function recordAudit(
  tx: DatabaseOrTransaction,
  ctx: ServiceContext,
  entry: AuditEntry,
) {
  const now = ctx.clock();
  await tx.insert(auditLogs).values({
    id: newId("auditLog", now.getTime()),
    workspaceId: ctx.workspaceId,
    actorType: ctx.actor.type,
    actorId: ctx.actor.id,
    action: entry.action,
    targetType: entry.targetType,
    targetId: entry.targetId,
    requestId: ctx.requestId ?? null,
    context: entry.context ?? {},
    createdAt: now,
  });
}
