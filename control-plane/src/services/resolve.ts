import { isId, notFound } from "@slipway/shared";
import { and, eq } from "drizzle-orm";
import type { AccessCheck } from "../access/permissions.js";
import type { DatabaseOrTransaction } from "../db/client.js";
import {
  type AppRow,
  apps,
  type EnvironmentRow,
  environments,
  type ProjectRow,
  projects,
} from "../db/schema/index.js";

/** Where a lookup happens: which database (or transaction), which tenant, which grant. */
export interface TenantScope {
  db: DatabaseOrTransaction;
  workspaceId: string;
  access: AccessCheck;
}

/**
 * Finds a project, app or environment by prefixed id or slug, always inside the caller's
 * workspace: another workspace's objects answer exactly like missing ones. Each object found
 * is checked against the root key's grant before it is returned.
 */
export async function resolveProject(scope: TenantScope, ref: string): Promise<ProjectRow> {
  const [row] = await scope.db
    .select()
    .from(projects)
    .where(
      and(
        eq(projects.workspaceId, scope.workspaceId),
        isId("project", ref) ? eq(projects.id, ref) : eq(projects.slug, ref),
      ),
    )
    .limit(1);
  if (!row) throw notFound(`Project '${ref}'`);
  scope.access({ projectId: row.id });
  return row;
}

export async function resolveApp(
  scope: TenantScope,
  refs: { project: string; app: string },
): Promise<{ project: ProjectRow; app: AppRow }> {
  const project = await resolveProject(scope, refs.project);
  const [app] = await scope.db
    .select()
    .from(apps)
    .where(
      and(
        eq(apps.projectId, project.id),
        isId("app", refs.app) ? eq(apps.id, refs.app) : eq(apps.slug, refs.app),
      ),
    )
    .limit(1);
  if (!app) throw notFound(`App '${refs.app}' in project '${refs.project}'`);
  scope.access({ projectId: project.id, appId: app.id });
  return { project, app };
}

export async function resolveEnvironment(
  scope: TenantScope,
  refs: { project: string; app: string; environment: string },
): Promise<{ project: ProjectRow; app: AppRow; environment: EnvironmentRow }> {
  const { project, app } = await resolveApp(scope, refs);
  const [environment] = await scope.db
    .select()
    .from(environments)
    .where(
      and(
        eq(environments.appId, app.id),
        isId("environment", refs.environment)
          ? eq(environments.id, refs.environment)
          : eq(environments.slug, refs.environment),
      ),
    )
    .limit(1);
  if (!environment) throw notFound(`Environment '${refs.environment}' of app '${refs.app}'`);
  scope.access({ projectId: project.id, appId: app.id, environmentId: environment.id });
  return { project, app, environment };
}
