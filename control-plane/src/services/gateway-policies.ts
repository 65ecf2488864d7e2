import { AppError, newId } from "@slipway/shared";
import {
  applyPolicyUpdate,
  type ListPoliciesBody,
  type Policy,
  policyKind,
  type SetPoliciesBody,
  type StoredPolicy,
  type UpdatePolicyBody,
} from "@slipway/shared/policy";
import { and, asc, eq, inArray, sql } from "drizzle-orm";
import type { DatabaseOrTransaction } from "../db/client.js";
import { type GatewayPolicyRow, gatewayPolicies, keyspaces } from "../db/schema/index.js";
import { recordAudit } from "./audit.js";
import type { ServiceContext } from "./context.js";
import { policyProblems, referencedKeyspaces } from "./gateway-policy-checks.js";
import { resolveEnvironment } from "./resolve.js";

/**
 * The SDK's `gateway.*`: an environment's ordered policy list. Sentinel reads it through the
 * `gateway_routes` view and the database notifies it of every commit (migration 0009), so
 * nothing here has to tell Sentinel anything.
 */

function storedPolicy(row: GatewayPolicyRow): StoredPolicy {
  return { ...row.definition, id: row.id };
}

/** Throws 400 naming every problem; called before anything is written. */
async function checkPolicies(
  tx: DatabaseOrTransaction,
  workspaceId: string,
  policies: ReadonlyArray<{ policy: Policy; location: string }>,
) {
  const wanted = referencedKeyspaces(policies.map((entry) => entry.policy));
  const found =
    wanted.length === 0
      ? []
      : await tx
          .select({ id: keyspaces.id })
          .from(keyspaces)
          .where(and(eq(keyspaces.workspaceId, workspaceId), inArray(keyspaces.id, wanted)));
  const problems = policyProblems(policies, new Set(found.map((row) => row.id)));
  if (problems.length > 0) {
    throw new AppError(
      "bad_request",
      `Nothing was written: ${problems.map((p) => `${p.location}: ${p.message}`).join("; ")}`,
      { errors: problems },
    );
  }
}

export async function listPolicies(
  ctx: ServiceContext,
  body: ListPoliciesBody,
): Promise<StoredPolicy[]> {
  const { environment } = await resolveEnvironment(ctx, body);
  const rows = await ctx.db
    .select()
    .from(gatewayPolicies)
    .where(eq(gatewayPolicies.environmentId, environment.id))
    .orderBy(asc(gatewayPolicies.position));
  return rows.map(storedPolicy);
}

/** Replaces the whole list in one transaction: every policy valid, or nothing written. */
export async function setPolicies(ctx: ServiceContext, body: SetPoliciesBody): Promise<void> {
  const now = ctx.clock();
  await ctx.db.transaction(async (tx) => {
    const { environment } = await resolveEnvironment({ ...ctx, db: tx }, body);
    await checkPolicies(
      tx,
      ctx.workspaceId,
      body.policies.map((policy, index) => ({ policy, location: `body.policies.${index}` })),
    );
    // Serialises concurrent setPolicies/updatePolicy on one environment: the last commit wins
    // whole, never an interleaving of two lists.
    await tx.execute(
      sql`select pg_advisory_xact_lock(hashtext(${`gateway_policies:${environment.id}`}))`,
    );
    await tx.delete(gatewayPolicies).where(eq(gatewayPolicies.environmentId, environment.id));
    const ids = body.policies.map(() => newId("gatewayPolicy", now.getTime()));
    if (body.policies.length > 0) {
      await tx.insert(gatewayPolicies).values(
        body.policies.map((definition, position) => ({
          id: ids[position]!,
          workspaceId: ctx.workspaceId,
          environmentId: environment.id,
          position,
          definition,
          createdAt: now,
        })),
      );
    }
    await recordAudit(tx, ctx, {
      action: "environment.set_policies",
      targetType: "environment",
      targetId: environment.id,
      context: {
        policies: body.policies.map((policy, i) => ({
          id: ids[i],
          name: policy.name,
          kind: policyKind(policy),
        })),
      },
    });
  });
}

/** One policy in place: same id, same position; a rule given replaces the rule. */
export async function updatePolicy(ctx: ServiceContext, body: UpdatePolicyBody): Promise<void> {
  const now = ctx.clock();
  await ctx.db.transaction(async (tx) => {
    const { environment } = await resolveEnvironment({ ...ctx, db: tx }, body);
    const [row] = await tx
      .select()
      .from(gatewayPolicies)
      .where(
        and(
          eq(gatewayPolicies.environmentId, environment.id),
          eq(gatewayPolicies.id, body.policyId),
        ),
      )
      .for("update");
    if (!row) {
      throw new AppError(
        "not_found",
        `Policy '${body.policyId}' does not exist in this environment or you do not have access to it. Ids change on every setPolicies: list the policies for the current ids.`,
      );
    }
    const { id: _id, ...updated } = applyPolicyUpdate(storedPolicy(row), body);
    await checkPolicies(tx, ctx.workspaceId, [{ policy: updated, location: "body" }]);
    await tx
      .update(gatewayPolicies)
      .set({ definition: updated, updatedAt: now })
      .where(eq(gatewayPolicies.id, row.id));
    await recordAudit(tx, ctx, {
      action: "environment.update_policy",
      targetType: "environment",
      targetId: environment.id,
      context: { policyId: row.id, name: updated.name, kind: policyKind(updated) },
    });
  });
}
