import type { DatabaseOrTransaction } from "../db/client.js";
import { insertAuditLog } from "../db/repositories/audit-log-repository.js";
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
  await insertAuditLog(tx, {
    workspaceId: ctx.workspaceId,
    actor: ctx.actor,
    requestId: ctx.requestId,
    at: ctx.clock(),
    ...entry,
  });
}
