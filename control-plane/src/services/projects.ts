import { AppError, newId } from "@slipway/shared";
import { and, asc, eq, gt, ilike, or } from "drizzle-orm";
import { type Page, toPage } from "../api-schemas/common.js";
import { apps, type ProjectRow, projects } from "../db/schema/index.js";
import { recordAudit } from "./audit.js";
import type { ServiceContext } from "./context.js";
import { isUniqueViolation } from "./postgres-errors.js";
import { resolveProject } from "./resolve.js";
import { escapeLike } from "./search.js";

export function projectView(row: ProjectRow) {
  return {
    id: row.id,
    name: row.name,
    slug: row.slug,
    createdAt: row.createdAt.getTime(),
    ...(row.updatedAt ? { updatedAt: row.updatedAt.getTime() } : {}),
    deleteProtection: row.deleteProtection,
  };
}

const slugTaken = (slug: string) =>
  new AppError("conflict", `A project with slug '${slug}' already exists in this workspace.`);

export async function createProject(ctx: ServiceContext, input: { name: string; slug: string }) {
  const now = ctx.clock();
  const id = newId("project", now.getTime());
  try {
    await ctx.db.transaction(async (tx) => {
      await tx.insert(projects).values({
        id,
        workspaceId: ctx.workspaceId,
        name: input.name,
        slug: input.slug,
        createdAt: now,
      });
      await recordAudit(tx, ctx, {
        action: "project.create",
        targetType: "project",
        targetId: id,
        context: { slug: input.slug },
      });
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw slugTaken(input.slug);
    throw error;
  }
  return { id };
}

export async function getProject(ctx: ServiceContext, ref: string) {
  return projectView(await resolveProject(ctx, ref));
}

export async function listProjects(
  ctx: ServiceContext,
  input: { limit: number; cursor?: string | undefined; search?: string | undefined },
): Promise<Page<ReturnType<typeof projectView>>> {
  const pattern = input.search ? `%${escapeLike(input.search)}%` : undefined;
  const rows = await ctx.db
    .select()
    .from(projects)
    .where(
      and(
        eq(projects.workspaceId, ctx.workspaceId),
        input.cursor ? gt(projects.id, input.cursor) : undefined,
        pattern
          ? or(
              ilike(projects.id, pattern),
              ilike(projects.name, pattern),
              ilike(projects.slug, pattern),
            )
          : undefined,
      ),
    )
    .orderBy(asc(projects.id))
    .limit(input.limit + 1);
  const page = toPage(rows, input.limit);
  return { ...page, items: page.items.map(projectView) };
}

export async function updateProject(
  ctx: ServiceContext,
  input: {
    project: string;
    slug?: string | undefined;
    name?: string | undefined;
    deleteProtection?: boolean | undefined;
  },
) {
  const now = ctx.clock();
  try {
    return await ctx.db.transaction(async (tx) => {
      const current = await resolveProject({ ...ctx, db: tx }, input.project);
      const changes = {
        ...(input.slug !== undefined ? { slug: input.slug } : {}),
        ...(input.name !== undefined ? { name: input.name } : {}),
        ...(input.deleteProtection !== undefined
          ? { deleteProtection: input.deleteProtection }
          : {}),
      };
      const [row] = await tx
        .update(projects)
        .set({ ...changes, updatedAt: now })
        .where(eq(projects.id, current.id))
        .returning();
      await recordAudit(tx, ctx, {
        action: "project.update",
        targetType: "project",
        targetId: current.id,
        context: { fields: Object.keys(changes) },
      });
      return projectView(row!);
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw slugTaken(input.slug ?? "");
    throw error;
  }
}

export async function deleteProject(ctx: ServiceContext, ref: string) {
  const appIds = await ctx.db.transaction(async (tx) => {
    const project = await resolveProject({ ...ctx, db: tx }, ref);
    if (project.deleteProtection) {
      throw new AppError(
        "precondition_failed",
        `Project '${project.slug}' has delete protection on. Turn it off with projects.updateProject first.`,
      );
    }
    const protectedApps = await tx
      .select({ slug: apps.slug })
      .from(apps)
      .where(and(eq(apps.projectId, project.id), eq(apps.deleteProtection, true)));
    if (protectedApps.length > 0) {
      throw new AppError(
        "precondition_failed",
        `Project '${project.slug}' holds apps with delete protection on: ${protectedApps.map((a) => a.slug).join(", ")}.`,
      );
    }
    const deleted = await tx
      .select({ id: apps.id })
      .from(apps)
      .where(eq(apps.projectId, project.id));
    await tx.delete(projects).where(eq(projects.id, project.id));
    await recordAudit(tx, ctx, {
      action: "project.delete",
      targetType: "project",
      targetId: project.id,
      context: { slug: project.slug },
    });
    return deleted.map((app) => app.id);
  });
  // Its apps' running deployments leave the cluster too.
  for (const appId of appIds) await ctx.jobs?.enqueue({ name: "app.teardown", data: { appId } });
}
