import { isId, notFound } from "@slipway/shared";
import { and, eq } from "drizzle-orm";
import type { DatabaseOrTransaction } from "../db/client.js";
import {
  type AppRow,
  apps,
  type EnvironmentRow,
  environments,
  type ProjectRow,
  projects,
} from "../db/schema/index.js";

/**
 * Finds a project, app or environment by prefixed id or slug, always inside the caller's
 * workspace: another workspace's objects answer exactly like missing ones.
 */
export async function resolveProject(
  db: DatabaseOrTransaction,
  workspaceId: string,
  ref: string,
): Promise<ProjectRow> {
  const [row] = await db
    .select()
    .from(projects)
    .where(
      and(
        eq(projects.workspaceId, workspaceId),
        isId("project", ref) ? eq(projects.id, ref) : eq(projects.slug, ref),
      ),
    )
    .limit(1);
  if (!row) throw notFound(`Project '${ref}'`);
  return row;
}

export async function resolveApp(
  db: DatabaseOrTransaction,
  workspaceId: string,
  projectRef: string,
  appRef: string,
): Promise<{ project: ProjectRow; app: AppRow }> {
  const project = await resolveProject(db, workspaceId, projectRef);
  const [app] = await db
    .select()
    .from(apps)
    .where(
      and(
        eq(apps.projectId, project.id),
        isId("app", appRef) ? eq(apps.id, appRef) : eq(apps.slug, appRef),
      ),
    )
    .limit(1);
  if (!app) throw notFound(`App '${appRef}' in project '${projectRef}'`);
  return { project, app };
}

export async function resolveEnvironment(
  db: DatabaseOrTransaction,
  workspaceId: string,
  refs: { project: string; app: string; environment: string },
): Promise<{ project: ProjectRow; app: AppRow; environment: EnvironmentRow }> {
  const { project, app } = await resolveApp(db, workspaceId, refs.project, refs.app);
  const [environment] = await db
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
  return { project, app, environment };
}
