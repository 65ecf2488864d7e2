import { type DeploymentStatus, newId } from "@slipway/shared";
import type { Unkey } from "@unkey/api";
import { and, eq } from "drizzle-orm";
import type { Database } from "../../src/db/client.js";
import { apps, deployments, environments, projects } from "../../src/db/schema/index.js";
import type { JobQueues } from "../../src/jobs/queues.js";

/**
 * A deployment as the build step leaves it (or a createDeployment from an image): its image
 * exists, status `deploying`, and the `deployment.deploy` job enqueued. Returns its id.
 */
export async function handOffToDeploy(
  db: Database,
  jobs: Pick<JobQueues, "enqueue">,
  input: {
    workspaceId: string;
    project: string;
    app: string;
    environment: "production" | "preview";
    image: string;
    branch?: string;
    pullRequestNumber?: number;
    enqueue?: boolean;
  },
): Promise<string> {
  const [scope] = await db
    .select({ app: apps, environment: environments })
    .from(apps)
    .innerJoin(projects, eq(projects.id, apps.projectId))
    .innerJoin(environments, eq(environments.appId, apps.id))
    .where(
      and(
        eq(apps.workspaceId, input.workspaceId),
        eq(projects.slug, input.project),
        eq(apps.slug, input.app),
        eq(environments.slug, input.environment),
      ),
    );
  if (!scope) throw new Error(`no ${input.project}/${input.app}/${input.environment}`);
  const at = new Date();
  const id = newId("deployment", at.getTime());
  await db.insert(deployments).values({
    id,
    workspaceId: input.workspaceId,
    projectId: scope.app.projectId,
    appId: scope.app.id,
    environmentId: scope.environment.id,
    status: "deploying",
    trigger: input.pullRequestNumber ? "pull_request" : "push",
    gitCommitSha: id.slice(-12).padEnd(40, "0"),
    gitBranch: input.branch ?? "master",
    gitRepository: "Codertocat/Hello-World",
    gitCommitMessage: "a change",
    pullRequestNumber: input.pullRequestNumber ?? null,
    image: input.image,
    runtime: scope.environment.runtime,
    regions: scope.environment.regions.map((region) => region.name),
    createdAt: at,
  });
  if (input.enqueue !== false) {
    await jobs.enqueue({ name: "deployment.deploy", data: { deploymentId: id } });
  }
  return id;
}

/** Polls getDeployment through the SDK until the status is one of `statuses`. */
export async function deploymentReaches(
  sdk: Unkey,
  deploymentId: string,
  statuses: DeploymentStatus[],
  timeoutMs = 90_000,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { data } = await sdk.deployments.getDeployment({ deploymentId });
    if (statuses.includes(data.status)) return data;
    if (Date.now() > deadline) {
      throw new Error(`deployment ${deploymentId} is ${data.status}, not ${statuses.join("/")}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** The testbed's poll-until-defined, shared with the operator's and testbed's cluster tests. */
export { eventually } from "@slipway/testbed/test-helpers";
