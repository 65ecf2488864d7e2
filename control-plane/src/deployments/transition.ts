import type { DeploymentStatus } from "@slipway/shared";
import { and, eq, inArray } from "drizzle-orm";
import type { DatabaseOrTransaction } from "../db/client.js";
import { type Actor, insertAuditLog } from "../db/repositories/audit-log-repository.js";
import { type DeploymentRow, deployments } from "../db/schema/index.js";
import { type FollowUps, followUpsOf } from "./follow-ups.js";
import {
  expectedStatuses,
  type LifecycleEvent,
  type LifecycleTransition,
  lifecycleTransitions,
} from "./lifecycle-table.js";

export type DeploymentPatch = Partial<
  Pick<
    DeploymentRow,
    | "image"
    | "errorCode"
    | "errorStep"
    | "errorMessage"
    | "skipReason"
    | "regions"
    | "approvedBy"
    | "hostnames"
  >
>;

/** Who asked for an audited change, and through which request. */
export interface ChangedBy {
  actor: Actor;
  requestId?: string | null | undefined;
}

export interface TransitionInput {
  id: string;
  event: LifecycleEvent;
  at: Date;
  /** Narrows the table's expected statuses (never widens them). */
  from?: readonly DeploymentStatus[];
  patch?: DeploymentPatch;
  /** Required for the changes the table audits. */
  by?: ChangedBy;
  auditContext?: Record<string, unknown>;
}

export interface Transitioned {
  row: DeploymentRow;
  /** To send with `enqueueFollowUps` once the surrounding transaction has committed. */
  followUps: FollowUps;
}

/**
 * The one way a deployment's status changes: a compare-and-swap from the statuses the
 * lifecycle table allows for `event`, and the audit row where the table asks for one, in one
 * transaction. Returns the moved row and what must follow, or undefined when the deployment
 * was not in an expected status (another worker or request moved it first).
 */
export async function transitionDeployment(
  db: DatabaseOrTransaction,
  input: TransitionInput,
): Promise<Transitioned | undefined> {
  const transition: LifecycleTransition = lifecycleTransitions[input.event];
  const from = expectedStatuses(input.event, input.from);
  const audit = transition.audit;
  if (audit && !input.by) throw new Error(`'${input.event}' is audited: name who asked for it`);
  const write = async (tx: DatabaseOrTransaction): Promise<Transitioned | undefined> => {
    const [row] = await tx
      .update(deployments)
      .set({ ...input.patch, status: transition.to, updatedAt: input.at })
      .where(and(eq(deployments.id, input.id), inArray(deployments.status, [...from])))
      .returning();
    if (!row) return undefined;
    if (audit && input.by) {
      await insertAuditLog(tx, {
        workspaceId: row.workspaceId,
        actor: input.by.actor,
        requestId: input.by.requestId,
        at: input.at,
        action: audit,
        targetType: "deployment",
        targetId: row.id,
        context: input.auditContext,
      });
    }
    return { row, followUps: followUpsOf(input.event, row) };
  };
  // One statement is atomic on its own; an audited change commits with its audit row.
  return audit ? db.transaction(write) : write(db);
}
