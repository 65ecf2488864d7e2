import { AppError, isId, newId, notFound } from "@slipway/shared";
import { and, asc, eq, gt, ilike, inArray, or } from "drizzle-orm";
import type { KeysDatabase } from "../keys-database.js";
import { isValidPermissionName } from "../permission-name.js";
import { type PermissionRow, permissions } from "../schema/permissions.js";
import { likePattern } from "./like-pattern.js";

/** The SDK's `Permission`. */
export interface PermissionView {
  id: string;
  name: string;
  slug: string;
  description?: string;
}

export const permissionView = (row: PermissionRow): PermissionView => ({
  id: row.id,
  name: row.name,
  slug: row.slug,
  ...(row.description !== null && { description: row.description }),
});

interface Scope {
  db: KeysDatabase;
  workspaceId: string;
  now: Date;
}

/** One permission of the workspace by id (`perm_…`) or slug; 404 when there is none. */
export async function findPermission(
  { db, workspaceId }: Omit<Scope, "now">,
  ref: string,
): Promise<PermissionRow> {
  const [row] = await db
    .select()
    .from(permissions)
    .where(
      and(
        eq(permissions.workspaceId, workspaceId),
        isId("permission", ref)
          ? or(eq(permissions.id, ref), eq(permissions.slug, ref))
          : eq(permissions.slug, ref),
      ),
    )
    .orderBy(asc(permissions.id))
    .limit(1);
  if (!row) throw notFound(`Permission '${ref}'`);
  return row;
}

/** With `idsToo`, refs shaped like an id (`perm_…`) name one by id; every other ref is a slug. */
const splitRefs = (refs: string[], idsToo: boolean) => {
  const unique = [...new Set(refs)];
  const byId = (ref: string) => idsToo && isId("permission", ref);
  return {
    ids: unique.filter((ref) => byId(ref)),
    slugs: unique.filter((ref) => !byId(ref)),
  };
};

/**
 * The permissions that refs name: by slug, and with `idsToo` by id as well (the keys.*
 * calls take either; roles take slugs). A missing id is a 404; missing slugs are created once
 * `mayCreate` returns (it throws to refuse: `forbidden` without the grant to create them, as
 * the SDK documents, or `not_found` where nothing may be created). The rows found stay locked
 * against deletion until the caller's transaction ends, so a concurrent deletePermission
 * cannot pull one out from under the grant about to refer to it.
 */
export async function ensurePermissions(
  scope: Scope,
  refs: { refs: string[]; idsToo: boolean },
  mayCreate: (missingSlugs: string[]) => void,
): Promise<PermissionRow[]> {
  const { db, workspaceId, now } = scope;
  const { ids, slugs } = splitRefs(refs.refs, refs.idsToo);
  for (const slug of slugs) {
    if (!isValidPermissionName(slug)) {
      throw new AppError("bad_request", `'${slug}' is not a valid permission name.`);
    }
  }
  const byId = ids.length
    ? await db
        .select()
        .from(permissions)
        .where(and(eq(permissions.workspaceId, workspaceId), inArray(permissions.id, ids)))
        .for("key share")
    : [];
  const missingIds = ids.filter((id) => !byId.some((row) => row.id === id));
  if (missingIds.length > 0) throw notFound(`Permissions ${missingIds.join(", ")}`);
  const lookupSlugs = () =>
    db
      .select()
      .from(permissions)
      .where(and(eq(permissions.workspaceId, workspaceId), inArray(permissions.slug, slugs)))
      .for("key share");
  let bySlug = slugs.length ? await lookupSlugs() : [];
  const missingSlugs = slugs.filter((slug) => !bySlug.some((row) => row.slug === slug));
  if (missingSlugs.length > 0) {
    mayCreate(missingSlugs);
    await db
      .insert(permissions)
      .values(
        missingSlugs.map((slug) => ({
          id: newId("permission", now.getTime()),
          workspaceId,
          name: slug,
          slug,
          createdAt: now,
        })),
      )
      // Another request may create the same slug meanwhile: either row will do.
      .onConflictDoNothing();
    bySlug = await lookupSlugs();
    // Still missing: the slug is free but its name (a created permission is named after its
    // slug) belongs to another permission, so creating it would break unique names.
    const unnamable = missingSlugs.filter((slug) => !bySlug.some((row) => row.slug === slug));
    if (unnamable.length > 0) {
      throw new AppError(
        "conflict",
        `Permissions ${unnamable.map((slug) => `'${slug}'`).join(", ")} cannot be created: another permission has that name.`,
      );
    }
  }
  const rows = new Map([...byId, ...bySlug].map((row) => [row.id, row]));
  return [...rows.values()];
}

/**
 * createPermission: a slug or name already taken is a 409. Both are unique in the database, so
 * of two concurrent creates with the same name exactly one wins.
 */
export async function createPermission(
  scope: Scope,
  input: { name: string; slug: string; description?: string | undefined },
): Promise<PermissionRow> {
  const { db, workspaceId, now } = scope;
  const [row] = await db
    .insert(permissions)
    .values({
      id: newId("permission", now.getTime()),
      workspaceId,
      name: input.name,
      slug: input.slug,
      description: input.description ?? null,
      createdAt: now,
    })
    // Either unique constraint (workspace + slug, workspace + name): nothing inserted.
    .onConflictDoNothing()
    .returning();
  if (!row) {
    throw new AppError(
      "conflict",
      `A permission with the slug '${input.slug}' or the name '${input.name}' already exists.`,
    );
  }
  return row;
}

/** Deletes a permission; keys and roles lose it by cascade. */
export async function deletePermission(
  { db }: Omit<Scope, "now" | "workspaceId">,
  permission: PermissionRow,
): Promise<void> {
  await db.delete(permissions).where(eq(permissions.id, permission.id));
}

/** A page of the workspace's permissions in id order; `search` matches id, name, slug, description. */
export async function listPermissions(
  { db, workspaceId }: Omit<Scope, "now">,
  page: { limit: number; cursor?: string | undefined; search?: string | undefined },
): Promise<PermissionRow[]> {
  const pattern = page.search && likePattern(page.search);
  return db
    .select()
    .from(permissions)
    .where(
      and(
        eq(permissions.workspaceId, workspaceId),
        page.cursor ? gt(permissions.id, page.cursor) : undefined,
        pattern
          ? or(
              ilike(permissions.id, pattern),
              ilike(permissions.name, pattern),
              ilike(permissions.slug, pattern),
              ilike(permissions.description, pattern),
            )
          : undefined,
      ),
    )
    .orderBy(asc(permissions.id))
    .limit(page.limit + 1);
}
