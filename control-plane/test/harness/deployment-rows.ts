import { type DeploymentStatus, defaultBuild, defaultRuntime, newId } from "@slipway/shared";
import { eq } from "drizzle-orm";
import type { Database } from "../../src/db/client.js";
import {
  apps,
  type DeploymentRow,
  deployments,
  environments,
  projects,
  workspaces,
} from "../../src/db/schema/index.js";

export interface DeploymentScope {
  workspaceId: string;
  projectId: string;
  appId: string;
  environmentId: string;
}

/**
 * A workspace with one project, app and production environment, written directly; in
 * `workspaceId` when given (a workspace a test's root key belongs to).
 */
export async function insertDeploymentScope(
  db: Database,
  createdAt: Date,
  workspaceId?: string,
): Promise<DeploymentScope> {
  const scope = {
    workspaceId: workspaceId ?? newId("workspace"),
    projectId: newId("project"),
    appId: newId("app"),
    environmentId: newId("environment"),
  };
  if (!workspaceId) {
    await db.insert(workspaces).values({ id: scope.workspaceId, name: "test", createdAt });
  }
  await db.insert(projects).values({
    id: scope.projectId,
    workspaceId: scope.workspaceId,
    name: "Shop",
    slug: "shop",
    createdAt,
  });
  await db.insert(apps).values({
    id: scope.appId,
    workspaceId: scope.workspaceId,
    projectId: scope.projectId,
    name: "Storefront",
    slug: "storefront",
    createdAt,
  });
  await db.insert(environments).values({
    id: scope.environmentId,
    workspaceId: scope.workspaceId,
    projectId: scope.projectId,
    appId: scope.appId,
    slug: "production",
    kind: "production",
    runtime: defaultRuntime,
    build: defaultBuild,
    regions: [],
    createdAt,
  });
  return scope;
}

/** A deployment in any status, written directly (a test's starting point, not a transition). */
export async function insertDeployment(
  db: Database,
  scope: DeploymentScope,
  input: { status: DeploymentStatus; createdAt: Date } & Partial<DeploymentRow>,
): Promise<string> {
  const id = newId("deployment");
  await db.insert(deployments).values({
    ...scope,
    id,
    trigger: "push",
    runtime: defaultRuntime,
    regions: [],
    ...input,
  });
  return id;
}

export async function storedDeployment(db: Database, id: string): Promise<DeploymentRow> {
  const [row] = await db.select().from(deployments).where(eq(deployments.id, id));
  if (!row) throw new Error(`deployment ${id} is not stored`);
  return row;
}

/** A preview environment beside the scope's production one; the scope to insert its deployments. */
export async function insertPreviewEnvironment(
  db: Database,
  scope: DeploymentScope,
  createdAt: Date,
): Promise<DeploymentScope> {
  const environmentId = newId("environment");
  await db.insert(environments).values({
    id: environmentId,
    workspaceId: scope.workspaceId,
    projectId: scope.projectId,
    appId: scope.appId,
    slug: `preview-${environmentId.slice(-6).toLowerCase()}`,
    kind: "preview",
    runtime: defaultRuntime,
    build: defaultBuild,
    regions: [],
    createdAt,
  });
  return { ...scope, environmentId };
}
