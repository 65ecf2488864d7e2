import { and, eq, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import type { Database } from "../db/client.js";
import { preparedStatement } from "../db/prepared.js";
import {
  type AppRow,
  apps,
  type EnvironmentRow,
  environments,
  githubInstallations,
} from "../db/schema/index.js";

export interface AppWithEnvironments {
  app: AppRow;
  production: EnvironmentRow;
  preview: EnvironmentRow;
}

const production = alias(environments, "production");
const preview = alias(environments, "preview");

/**
 * Apps connected to a repository, with the two environments pushes use, in one query. Only
 * the workspace that installed the App hears of its deliveries: an app naming someone else's
 * repository gets nothing.
 */
export async function appsOfRepository(
  db: Database,
  repository: string,
  installationId: string | null,
): Promise<AppWithEnvironments[]> {
  if (!installationId) return [];
  const rows = await appsOfRepositoryStatement(db).execute({
    installationId,
    repository: repository.toLowerCase(),
  });
  // One row per app, should an app ever have two environments of a kind.
  return rows.filter((row, index) => index === 0 || rows[index - 1]!.app.id !== row.app.id);
}

const appsOfRepositoryStatement = preparedStatement((db) =>
  db
    .select({ app: apps, production, preview })
    .from(apps)
    .innerJoin(githubInstallations, eq(githubInstallations.workspaceId, apps.workspaceId))
    .innerJoin(production, and(eq(production.appId, apps.id), eq(production.kind, "production")))
    .innerJoin(preview, and(eq(preview.appId, apps.id), eq(preview.kind, "preview")))
    .where(
      and(
        eq(githubInstallations.installationId, sql.placeholder("installationId")),
        sql`lower(${apps.gitRepository}) = ${sql.placeholder("repository")}`,
      ),
    )
    .orderBy(apps.id, production.id, preview.id)
    .prepare("apps_of_repository"),
);
