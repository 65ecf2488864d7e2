import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { auditLogs } from "../../src/db/schema/index.js";
import {
  expectedStatuses,
  type LifecycleEvent,
  type LifecycleTransition,
  lifecycleTransitions,
} from "../../src/deployments/lifecycle-table.js";
import { transitionDeployment } from "../../src/deployments/transition.js";
import type { Job } from "../../src/jobs/job-types.js";
import { createTestDatabase, type TestDatabase } from "../harness/database.js";
import {
  type DeploymentScope,
  insertDeployment,
  insertDeploymentScope,
  storedDeployment,
} from "../harness/deployment-rows.js";

// One case per row of the lifecycle table: the status it writes, the audit row it adds (or
// not), and the follow-ups it hands back for after the commit.

let database: TestDatabase;
let scope: DeploymentScope;
const createdAt = new Date(Date.UTC(2026, 0, 1));
const at = new Date(Date.UTC(2026, 0, 1, 0, 5));
const by = { actor: { type: "github" as const, id: "octocat" }, requestId: "req_test" };

beforeAll(async () => {
  database = await createTestDatabase();
  scope = await insertDeploymentScope(database.db, createdAt);
});

const auditRowsOf = (deploymentId: string) =>
  database.db
    .select()
    .from(auditLogs)
    .where(and(eq(auditLogs.targetType, "deployment"), eq(auditLogs.targetId, deploymentId)));

/** What each change must leave for after its commit, besides the GitHub report. */
function expectedNext(event: LifecycleEvent, id: string) {
  const revision = `${lifecycleTransitions[event].to}-${at.getTime()}`;
  const jobs: Job[] = [{ name: "github.report", data: { deploymentId: id, revision } }];
  const transition: LifecycleTransition = lifecycleTransitions[event];
  if (transition.next === "build") {
    jobs.push({ name: "deployment.build", data: { deploymentId: id } });
  }
  if (transition.next === "deploy")
    jobs.push({ name: "deployment.deploy", data: { deploymentId: id } });
  if (transition.next === "power") {
    jobs.push({ name: "deployment.power", data: { deploymentId: id, revision } });
  }
  return { jobs, cancellations: transition.next === "announce_cancellation" ? [id] : [] };
}

describe("the lifecycle table", () => {
  const events = Object.keys(lifecycleTransitions) as LifecycleEvent[];

  for (const event of events) {
    const transition: LifecycleTransition = lifecycleTransitions[event];
    for (const from of transition.from) {
      it(`${event}: ${from} → ${transition.to}, ${transition.audit ? `audited as ${transition.audit}` : "not audited"}`, async () => {
        const id = await insertDeployment(database.db, scope, {
          status: from,
          createdAt,
          githubInstallationId: "42",
        });
        const moved = await transitionDeployment(database.db, {
          id,
          event,
          at,
          by,
          auditContext: { case: event },
        });
        expect(moved?.row.status).toBe(transition.to);
        expect((await storedDeployment(database.db, id)).status).toBe(transition.to);
        expect(moved?.followUps).toEqual(expectedNext(event, id));

        const audit = await auditRowsOf(id);
        if (transition.audit) {
          expect(audit).toHaveLength(1);
          expect(audit[0]).toMatchObject({
            workspaceId: scope.workspaceId,
            actorType: "github",
            actorId: "octocat",
            action: transition.audit,
            requestId: "req_test",
            context: { case: event },
            createdAt: at,
          });
        } else {
          expect(audit).toEqual([]);
        }

        // The same change again finds the deployment moved on: nothing is written twice.
        if (!transition.from.includes(transition.to)) {
          expect(await transitionDeployment(database.db, { id, event, at, by })).toBeUndefined();
          expect(await auditRowsOf(id)).toHaveLength(transition.audit ? 1 : 0);
        }
      });
    }
  }

  it("refuses a change from a status outside its row, writing nothing", async () => {
    const id = await insertDeployment(database.db, scope, { status: "ready", createdAt });
    expect(
      await transitionDeployment(database.db, { id, event: "cancel", at, by }),
    ).toBeUndefined();
    expect((await storedDeployment(database.db, id)).status).toBe("ready");
    expect(await auditRowsOf(id)).toEqual([]);
    expect(() => expectedStatuses("stop", ["failed"])).toThrow(/cannot start from failed/);
  });

  it("refuses an audited change that names nobody, before writing anything", async () => {
    const id = await insertDeployment(database.db, scope, { status: "pending", createdAt });
    await expect(transitionDeployment(database.db, { id, event: "cancel", at })).rejects.toThrow(
      /audited/,
    );
    expect((await storedDeployment(database.db, id)).status).toBe("pending");
  });

  it("reports nothing to GitHub for a deployment that did not come from it", async () => {
    const id = await insertDeployment(database.db, scope, { status: "building", createdAt });
    const moved = await transitionDeployment(database.db, { id, event: "finishBuild", at });
    expect(moved?.followUps).toEqual({
      jobs: [{ name: "deployment.deploy", data: { deploymentId: id } }],
      cancellations: [],
    });
  });
});
