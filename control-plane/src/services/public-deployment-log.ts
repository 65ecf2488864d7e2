import { timingSafeEqual } from "node:crypto";
import { notFound } from "@slipway/shared";
import { and, asc, eq, gt } from "drizzle-orm";
import type { Database } from "../db/client.js";
import { deploymentLogs, deployments } from "../db/schema/index.js";

/** Lines read from the database at a time: a 50 000-line log is never held in memory at once. */
const PAGE_LINES = 1000;

/**
 * Constant-time, and on bytes: a token of multi-byte characters has another byte length than
 * the stored one even where their string lengths match, and must be refused the same way.
 */
function sameToken(given: string, stored: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(stored);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The log page GitHub's check run and deployment link to: opened with the deployment's own
 * token (in those links only). A wrong or missing token answers exactly like an unknown
 * deployment. The text is produced page by page as it is sent.
 */
export async function openPublicDeploymentLog(
  db: Database,
  input: { deploymentId: string; token: string },
): Promise<AsyncGenerator<string>> {
  const [deployment] = await db
    .select({ id: deployments.id, status: deployments.status, logToken: deployments.logToken })
    .from(deployments)
    .where(eq(deployments.id, input.deploymentId));
  if (!deployment || !sameToken(input.token, deployment.logToken)) {
    throw notFound(`Deployment '${input.deploymentId}'`);
  }
  return logText(db, deployment);
}

async function* logText(db: Database, deployment: { id: string; status: string }) {
  yield `Deployment ${deployment.id}: ${deployment.status}\n\n`;
  let after = -1;
  for (;;) {
    const lines = await db
      .select()
      .from(deploymentLogs)
      .where(and(eq(deploymentLogs.deploymentId, deployment.id), gt(deploymentLogs.seq, after)))
      .orderBy(asc(deploymentLogs.seq))
      .limit(PAGE_LINES);
    if (lines.length > 0) {
      yield lines
        .map((line) => `${line.at.toISOString().slice(11, 23)} [${line.step}] ${line.line}\n`)
        .join("");
      after = lines.at(-1)!.seq;
    }
    if (lines.length < PAGE_LINES) return;
  }
}
