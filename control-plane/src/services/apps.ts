import {
  AppError,
  defaultBuild,
  defaultRuntime,
  type EnvironmentKind,
  newId,
} from "@slipway/shared";
import { and, asc, eq, gt, ilike, or } from "drizzle-orm";
import { type Page, toPage } from "../api-schemas/common.js";
import { type AppRow, apps, environments } from "../db/schema/index.js";
import { recordAudit } from "./audit.js";
import type { ServiceContext } from "./context.js";
import { isUniqueViolation } from "./postgres-errors.js";
import { resolveApp, resolveProject } from "./resolve.js";
import { escapeLike } from "./search.js";

export function appView(row: AppRow) {
  return {
    id: row.id,
    name: row.name,
    slug: row.slug,
    ...(row.gitRepository
      ? {
          git: {
            repository: row.gitRepository,
            ...(row.gitDefaultBranch ? { defaultBranch: row.gitDefaultBranch } : {}),
          },
        }
      : {}),
    ...(row.currentDeploymentId ? { currentDeploymentId: row.currentDeploymentId } : {}),
    isRolledBack: row.isRolledBack,
    deleteProtection: row.deleteProtection,
    createdAt: row.createdAt.getTime(),
    ...(row.updatedAt ? { updatedAt: row.updatedAt.getTime() } : {}),
  };
}

/** Every app starts with the two environments the SDK knows: production and preview. */
const initialEnvironments: Array<{ slug: string; kind: EnvironmentKind; description: string }> = [
  { slug: "production", kind: "production", description: "Serves the app's production domains." },
  { slug: "preview", kind: "preview", description: "Previews of branches and pull requests." },
];

const slugTaken = (slug: string) =>
  new AppError("conflict", `An app with slug '${slug}' already exists in this project.`);

export async function createApp(
  ctx: ServiceContext,
  input: {
    project: string;
    name: string;
    slug: string;
    git?: { repository: string; defaultBranch?: string | undefined } | undefined;
  },
) {
  const now = ctx.clock();
  const appId = newId("app", now.getTime());
  try {
    await ctx.db.transaction(async (tx) => {
      const project = await resolveProject({ ...ctx, db: tx }, input.project);
      await tx.insert(apps).values({
        id: appId,
        workspaceId: ctx.workspaceId,
        projectId: project.id,
        name: input.name,
        slug: input.slug,
        gitRepository: input.git?.repository ?? null,
        gitDefaultBranch: input.git ? (input.git.defaultBranch ?? "main") : null,
        createdAt: now,
      });
      const defaultRegion = ctx.config.SLIPWAY_REGIONS[0]!;
      await tx.insert(environments).values(
        initialEnvironments.map((environment) => ({
          id: newId("environment", now.getTime()),
          workspaceId: ctx.workspaceId,
          projectId: project.id,
          appId,
          slug: environment.slug,
          kind: environment.kind,
          description: environment.description,
          runtime: defaultRuntime,
          build: defaultBuild,
          regions: [{ name: defaultRegion, replicas: { min: 1, max: 1 } }],
          createdAt: now,
        })),
      );
      await recordAudit(tx, ctx, {
        action: "app.create",
        targetType: "app",
        targetId: appId,
        context: { slug: input.slug },
      });
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw slugTaken(input.slug);
    throw error;
  }
  return { appId };
}

export async function getApp(ctx: ServiceContext, refs: { project: string; app: string }) {
  const { app } = await resolveApp(ctx, { project: refs.project, app: refs.app });
  return appView(app);
}

export async function listApps(
  ctx: ServiceContext,
  input: {
    project: string;
    limit: number;
    cursor?: string | undefined;
    search?: string | undefined;
  },
): Promise<Page<ReturnType<typeof appView>>> {
  const project = await resolveProject(ctx, input.project);
  const pattern = input.search ? `%${escapeLike(input.search)}%` : undefined;
  const rows = await ctx.db
    .select()
    .from(apps)
    .where(
      and(
        eq(apps.projectId, project.id),
        input.cursor ? gt(apps.id, input.cursor) : undefined,
        pattern
          ? or(ilike(apps.id, pattern), ilike(apps.name, pattern), ilike(apps.slug, pattern))
          : undefined,
      ),
    )
    .orderBy(asc(apps.id))
    .limit(input.limit + 1);
  const page = toPage(rows, input.limit);
  return { ...page, items: page.items.map(appView) };
}

export async function updateApp(
  ctx: ServiceContext,
  input: {
    project: string;
    app: string;
    name?: string | undefined;
    slug?: string | undefined;
    git?:
      | { repository?: string | undefined; defaultBranch?: string | undefined }
      | null
      | undefined;
    deleteProtection?: boolean | undefined;
  },
) {
  const now = ctx.clock();
  try {
    return await ctx.db.transaction(async (tx) => {
      const { app } = await resolveApp(
        { ...ctx, db: tx },
        { project: input.project, app: input.app },
      );
      let gitChanges: Partial<Pick<AppRow, "gitRepository" | "gitDefaultBranch">> = {};
      if (input.git === null) {
        gitChanges = { gitRepository: null, gitDefaultBranch: null };
      } else if (input.git) {
        const repository = input.git.repository ?? app.gitRepository;
        if (!repository) {
          throw new AppError(
            "bad_request",
            "The app has no repository yet: send git.repository to connect one.",
            {
              errors: [
                {
                  location: "body.git.repository",
                  message: "is required when the app has no repository",
                },
              ],
            },
          );
        }
        gitChanges = {
          gitRepository: repository,
          gitDefaultBranch: input.git.defaultBranch ?? app.gitDefaultBranch ?? "main",
        };
      }
      const changes = {
        ...(input.name !== undefined ? { name: input.name } : {}),
        ...(input.slug !== undefined ? { slug: input.slug } : {}),
        ...(input.deleteProtection !== undefined
          ? { deleteProtection: input.deleteProtection }
          : {}),
        ...gitChanges,
      };
      const [row] = await tx
        .update(apps)
        .set({ ...changes, updatedAt: now })
        .where(eq(apps.id, app.id))
        .returning();
      await recordAudit(tx, ctx, {
        action: "app.update",
        targetType: "app",
        targetId: app.id,
        context: { fields: Object.keys(changes) },
      });
      return appView(row!);
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw slugTaken(input.slug ?? "");
    throw error;
  }
}

export async function deleteApp(ctx: ServiceContext, refs: { project: string; app: string }) {
  const appId = await ctx.db.transaction(async (tx) => {
    const { app } = await resolveApp({ ...ctx, db: tx }, { project: refs.project, app: refs.app });
    if (app.deleteProtection) {
      throw new AppError(
        "precondition_failed",
        `App '${app.slug}' has delete protection on. Turn it off with apps.updateApp first.`,
      );
    }
    await tx.delete(apps).where(eq(apps.id, app.id));
    await recordAudit(tx, ctx, {
      action: "app.delete",
      targetType: "app",
      targetId: app.id,
      context: { slug: app.slug },
    });
    return app.id;
  });
  // Its running deployments leave the cluster too.
  await ctx.jobs?.enqueue({ name: "app.teardown", data: { appId } });
}
