import {
  type ApiDeploymentStatus,
  apiStatusOf,
  type DeploymentStatus,
  notFound,
} from "@slipway/shared";
import { and, desc, eq, inArray, lt, type SQL } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { type Page, toPage } from "../api-schemas/common.js";
import {
  type AppRow,
  apps,
  type DeploymentRow,
  deployments,
  domains,
  type EnvironmentRow,
  environments,
  type ProjectRow,
  projects,
} from "../db/schema/index.js";
import { appUrls } from "../deployments/app-urls.js";
import type { ServiceContext } from "./context.js";
import { availableActions } from "./deployment-actions.js";
import { resolveApp, resolveEnvironment, resolveProject } from "./resolve.js";

interface DeploymentJoin {
  deployment: DeploymentRow;
  project: ProjectRow;
  app: AppRow;
  environment: EnvironmentRow;
  current: { createdAt: Date } | null;
}

const currentDeployments = alias(deployments, "current_deployments");

function selectDeployments(ctx: ServiceContext) {
  return ctx.db
    .select({
      deployment: deployments,
      project: projects,
      app: apps,
      environment: environments,
      current: { createdAt: currentDeployments.createdAt },
    })
    .from(deployments)
    .innerJoin(projects, eq(projects.id, deployments.projectId))
    .innerJoin(apps, eq(apps.id, deployments.appId))
    .innerJoin(environments, eq(environments.id, deployments.environmentId))
    .leftJoin(currentDeployments, eq(currentDeployments.id, apps.currentDeploymentId));
}

function deploymentView(ctx: ServiceContext, row: DeploymentJoin, verifiedDomains: string[]) {
  const { deployment, environment } = row;
  const isCurrent = row.app.currentDeploymentId === deployment.id;
  // An idle preview still answers at its hostnames: the request wakes it.
  const serving = apiStatusOf(deployment.status) === "ready";
  const { openapiSpecPath: _unused, ...runtime } = deployment.runtime;
  // The environment's stable name follows the current deployment, like its domains.
  const followsCurrent = [
    ...verifiedDomains,
    ...(environment.hostname ? [environment.hostname] : []),
  ];
  const reachableAt = [
    ...(isCurrent ? followsCurrent : []),
    ...(serving ? deployment.hostnames : []),
  ];
  return {
    id: deployment.id,
    status: apiStatusOf(deployment.status),
    ...(deployment.status === "idle" ? { idle: true as const } : {}),
    isCurrent,
    environment: environment.slug,
    app: row.app.slug,
    project: row.project.slug,
    ...(deployment.gitCommitSha
      ? {
          git: {
            commitSha: deployment.gitCommitSha,
            ...(deployment.gitBranch ? { branch: deployment.gitBranch } : {}),
            ...(deployment.gitAuthor ? { authorHandle: deployment.gitAuthor } : {}),
            ...(deployment.gitCommitMessage ? { commitMessage: deployment.gitCommitMessage } : {}),
          },
        }
      : {}),
    ...(deployment.image ? { docker: { image: deployment.image } } : {}),
    availableActions: availableActions({
      status: deployment.status,
      environmentKind: environment.kind,
      isCurrent,
      isRolledBack: row.app.isRolledBack,
      createdAt: deployment.createdAt,
      currentCreatedAt: row.current?.createdAt ?? undefined,
    }),
    regions: deployment.regions,
    ...(deployment.errorCode
      ? {
          error: {
            code: deployment.errorCode,
            step: deployment.errorStep ?? "unknown",
            message: deployment.errorMessage ?? "",
          },
        }
      : {}),
    // The environment's domains and stable name follow the current deployment; a deployment is
    // reachable at its own hostnames while it runs (a stopped one keeps them for when it starts).
    ...(isCurrent || (serving && deployment.hostnames.length > 0)
      ? {
          domains: reachableAt,
          urls: appUrls(reachableAt, {
            scheme: ctx.config.SLIPWAY_APP_URL_SCHEME,
            port: ctx.config.SLIPWAY_APP_URL_PORT,
          }),
        }
      : {}),
    ...(deployment.skipReason ? { skipReason: deployment.skipReason } : {}),
    runtime,
    createdAt: deployment.createdAt.getTime(),
    ...(deployment.updatedAt ? { updatedAt: deployment.updatedAt.getTime() } : {}),
  };
}

async function verifiedDomainsByEnvironment(ctx: ServiceContext, environmentIds: string[]) {
  const byEnvironment = new Map<string, string[]>();
  if (environmentIds.length === 0) return byEnvironment;
  const rows = await ctx.db
    .select({ environmentId: domains.environmentId, domain: domains.domain })
    .from(domains)
    .where(and(inArray(domains.environmentId, environmentIds), eq(domains.status, "verified")));
  for (const row of rows)
    byEnvironment.set(row.environmentId, [
      ...(byEnvironment.get(row.environmentId) ?? []),
      row.domain,
    ]);
  return byEnvironment;
}

export async function getDeployment(ctx: ServiceContext, deploymentId: string) {
  const [row] = await selectDeployments(ctx)
    .where(and(eq(deployments.workspaceId, ctx.workspaceId), eq(deployments.id, deploymentId)))
    .limit(1);
  if (!row) throw notFound(`Deployment '${deploymentId}'`);
  ctx.access(row.deployment);
  const domainsOf = await verifiedDomainsByEnvironment(ctx, [row.environment.id]);
  return deploymentView(ctx, row, domainsOf.get(row.environment.id) ?? []);
}

/** Pure: the stored statuses an API status filter means (`ready` includes idle previews). */
const storedStatusesOf = (statuses: readonly ApiDeploymentStatus[]): DeploymentStatus[] =>
  statuses.includes("ready") ? [...statuses, "idle"] : [...statuses];

export async function listDeployments(
  ctx: ServiceContext,
  input: {
    project?: string | undefined;
    app?: string | undefined;
    environment?: string | undefined;
    status?: ApiDeploymentStatus[] | undefined;
    limit: number;
    cursor?: string | undefined;
  },
): Promise<Page<ReturnType<typeof deploymentView>>> {
  let scope: SQL | undefined;
  if (input.project && input.app && input.environment) {
    const { environment } = await resolveEnvironment(ctx, {
      project: input.project,
      app: input.app,
      environment: input.environment,
    });
    scope = eq(deployments.environmentId, environment.id);
  } else if (input.project && input.app) {
    const { app } = await resolveApp(ctx, { project: input.project, app: input.app });
    scope = eq(deployments.appId, app.id);
  } else if (input.project) {
    const project = await resolveProject(ctx, input.project);
    scope = eq(deployments.projectId, project.id);
  }
  // Newest first: ids start with their creation time.
  const rows = await selectDeployments(ctx)
    .where(
      and(
        eq(deployments.workspaceId, ctx.workspaceId),
        scope,
        input.status && input.status.length > 0
          ? inArray(deployments.status, storedStatusesOf(input.status))
          : undefined,
        input.cursor ? lt(deployments.id, input.cursor) : undefined,
      ),
    )
    .orderBy(desc(deployments.id))
    .limit(input.limit + 1);
  const page = toPage(
    rows.map((row) => ({ ...row, id: row.deployment.id })),
    input.limit,
  );
  const domainsOf = await verifiedDomainsByEnvironment(ctx, [
    ...new Set(page.items.map((row) => row.environment.id)),
  ]);
  return {
    ...page,
    items: page.items.map((row) =>
      deploymentView(ctx, row, domainsOf.get(row.environment.id) ?? []),
    ),
  };
}
