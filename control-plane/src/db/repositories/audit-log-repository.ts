import { newId } from "@slipway/shared";
import type { DatabaseOrTransaction } from "../client.js";
import { auditLogs } from "../schema/index.js";

/** Who made a change: a root key through the API, GitHub on a person's behalf, or Slipway itself. */
export interface Actor {
  type: "root_key" | "system" | "github" | "sentinel";
  id: string;
}

export interface AuditRecord {
  workspaceId: string;
  actor: Actor;
  requestId?: string | null | undefined;
  at: Date;
  action: string;
  targetType: string;
  targetId: string;
  /** Names and ids only: never a secret value. */
  context?: Record<string, unknown> | undefined;
}

/** Written in the same transaction as the change, so a mutation without its audit row can't exist. */
export async function insertAuditLog(db: DatabaseOrTransaction, record: AuditRecord) {
  await db.insert(auditLogs).values({
    id: newId("auditLog", record.at.getTime()),
    workspaceId: record.workspaceId,
    actorType: record.actor.type,
    actorId: record.actor.id,
    action: record.action,
    targetType: record.targetType,
    targetId: record.targetId,
    requestId: record.requestId ?? null,
    context: record.context ?? {},
    createdAt: record.at,
  });
}
