import { AppError, newId } from "@slipway/shared";
import { and, eq, inArray, sql } from "drizzle-orm";
import type { DatabaseOrTransaction } from "../db/client.js";
import {
  identities,
  keyPermissions,
  keyRatelimits,
  keyRoles,
  permissions,
  roles,
} from "../db/schema/index.js";

/**
 * What a key links to, replaced as a whole (updateKey): its identity by externalId, its direct
 * permissions (created when missing), its roles (which must exist) and its own ratelimits.
 */
interface KeyScope {
  tx: DatabaseOrTransaction;
  workspaceId: string;
  keyId: string;
  now: Date;
}

export async function upsertIdentity(
  { tx, workspaceId, now }: Omit<KeyScope, "keyId">,
  externalId: string,
): Promise<string> {
  const [identity] = await tx
    .insert(identities)
    .values({ id: newId("identity", now.getTime()), workspaceId, externalId, createdAt: now })
    .onConflictDoUpdate({
      target: [identities.workspaceId, identities.externalId],
      // A no-op update, so the existing row comes back from RETURNING.
      set: { externalId: sql`excluded.external_id` },
    })
    .returning({ id: identities.id });
  return identity!.id;
}

export async function replacePermissions(scope: KeyScope, names: string[]) {
  const { tx, workspaceId, keyId, now } = scope;
  const slugs = [...new Set(names)];
  await tx.delete(keyPermissions).where(eq(keyPermissions.keyId, keyId));
  if (slugs.length === 0) return;
  await tx
    .insert(permissions)
    .values(
      slugs.map((slug) => ({
        id: newId("permission", now.getTime()),
        workspaceId,
        name: slug,
        slug,
        createdAt: now,
      })),
    )
    .onConflictDoNothing();
  const found = await tx
    .select({ id: permissions.id })
    .from(permissions)
    .where(and(eq(permissions.workspaceId, workspaceId), inArray(permissions.slug, slugs)));
  await tx.insert(keyPermissions).values(
    found.map((permission) => ({
      workspaceId,
      keyId,
      permissionId: permission.id,
      createdAt: now,
    })),
  );
}

export async function replaceRoles(scope: KeyScope, names: string[]) {
  const { tx, workspaceId, keyId, now } = scope;
  const wanted = [...new Set(names)];
  const found =
    wanted.length === 0
      ? []
      : await tx
          .select({ id: roles.id, name: roles.name })
          .from(roles)
          .where(and(eq(roles.workspaceId, workspaceId), inArray(roles.name, wanted)));
  const missing = wanted.filter((name) => !found.some((role) => role.name === name));
  if (missing.length > 0) {
    throw new AppError("not_found", `Roles not found: ${missing.join(", ")}.`);
  }
  await tx.delete(keyRoles).where(eq(keyRoles.keyId, keyId));
  if (found.length === 0) return;
  await tx
    .insert(keyRoles)
    .values(found.map((role) => ({ workspaceId, keyId, roleId: role.id, createdAt: now })));
}

export async function replaceRatelimits(
  scope: KeyScope,
  limits: Array<{ name: string; limit: number; duration: number; autoApply?: boolean | undefined }>,
) {
  const { tx, workspaceId, keyId, now } = scope;
  await tx.delete(keyRatelimits).where(eq(keyRatelimits.keyId, keyId));
  if (limits.length === 0) return;
  await tx.insert(keyRatelimits).values(
    limits.map((limit) => ({
      id: newId("ratelimit", now.getTime()),
      workspaceId,
      keyId,
      name: limit.name,
      limit: limit.limit,
      duration: limit.duration,
      autoApply: limit.autoApply ?? false,
      createdAt: now,
    })),
  );
}
