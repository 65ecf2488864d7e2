import { AppError, notFound } from "@slipway/shared";
import { and, asc, eq, gt } from "drizzle-orm";
import type { Page } from "../api-schemas/common.js";
import { deploymentLogs, deployments } from "../db/schema/index.js";
import type { ServiceContext } from "./context.js";

export interface DeploymentLogLine {
  seq: number;
  timestamp: number;
  step: string;
  stream: "stdout" | "stderr" | "system";
  message: string;
}

/**
 * `deployments.getDeploymentLogs` (Slipway): a deployment's log in order, paged by line number.
 * The cursor is the last line's number, returned even when nothing more exists yet, so a client
 * following a running build asks again with it and gets only the lines written since.
 */
export async function getDeploymentLogs(
  ctx: ServiceContext,
  input: { deploymentId: string; cursor?: string | undefined; limit: number },
): Promise<Page<DeploymentLogLine>> {
  const [deployment] = await ctx.db
    .select()
    .from(deployments)
    .where(
      and(eq(deployments.workspaceId, ctx.workspaceId), eq(deployments.id, input.deploymentId)),
    );
  if (!deployment) throw notFound(`Deployment '${input.deploymentId}'`);
  ctx.access(deployment);
  let after = 0;
  if (input.cursor !== undefined) {
    if (!/^\d{1,9}$/.test(input.cursor)) {
      throw new AppError(
        "bad_request",
        `cursor '${input.cursor}' is not one this endpoint returned: pass pagination.cursor of the previous page.`,
      );
    }
    after = Number(input.cursor);
  }
  const rows = await ctx.db
    .select()
    .from(deploymentLogs)
    .where(and(eq(deploymentLogs.deploymentId, deployment.id), gt(deploymentLogs.seq, after)))
    .orderBy(asc(deploymentLogs.seq))
    .limit(input.limit + 1);
  const hasMore = rows.length > input.limit;
  const items = rows.slice(0, input.limit).map((row) => ({
    seq: row.seq,
    timestamp: row.at.getTime(),
    step: row.step,
    stream: row.stream,
    message: row.line,
  }));
  const last = items.at(-1)?.seq ?? after;
  return { items, hasMore, ...(last > 0 ? { cursor: String(last) } : {}) };
}
