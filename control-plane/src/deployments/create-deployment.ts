import type { DatabaseOrTransaction } from "../db/client.js";
import { insertAuditLog } from "../db/repositories/audit-log-repository.js";
import { deployments } from "../db/schema/index.js";
import { type FollowUps, followUpsOfCurrent } from "./follow-ups.js";
import { CREATE_AUDIT_ACTION, type InitialStatus } from "./lifecycle-table.js";
import type { ChangedBy } from "./transition.js";

export type NewDeploymentRow = Omit<typeof deployments.$inferInsert, "status" | "createdAt"> & {
  id: string;
  workspaceId: string;
  status: InitialStatus;
};

/**
 * Inserts a deployment (a manual deploy or a CLI upload; webhook deliveries have their own
 * one-statement path in `record-delivery.ts`) with its audit row, on the caller's transaction.
 * Returns its first report and step, to send once that transaction has committed.
 */
export async function createDeployment(
  tx: DatabaseOrTransaction,
  input: {
    values: NewDeploymentRow;
    at: Date;
    by: ChangedBy;
    auditContext?: Record<string, unknown>;
  },
): Promise<FollowUps> {
  const [row] = await tx
    .insert(deployments)
    .values({ ...input.values, createdAt: input.at })
    .returning();
  if (!row) throw new Error(`deployment ${input.values.id} was not inserted`);
  await insertAuditLog(tx, {
    workspaceId: row.workspaceId,
    actor: input.by.actor,
    requestId: input.by.requestId,
    at: input.at,
    action: CREATE_AUDIT_ACTION,
    targetType: "deployment",
    targetId: row.id,
    context: input.auditContext,
  });
  return followUpsOfCurrent([row]);
}
