import { AppError, newId, notFound } from "@slipway/shared";
import { and, asc, desc, eq, gt, ilike, inArray, or, sql } from "drizzle-orm";
import type { KeysDatabase } from "../keys-database.js";
import { apiKeys } from "../schema/api-keys.js";
import { type IdentityRow, identities } from "../schema/identities.js";
import { keyRatelimits } from "../schema/key-ratelimits.js";
import { likePattern } from "./like-pattern.js";
import { type NamedRatelimit, replaceRatelimits } from "./ratelimit-store.js";

/** The SDK's `RatelimitRequest`, shared by all the identity's keys. */
export type IdentityRatelimit = NamedRatelimit;

/** The SDK's `Identity`. */
export interface IdentityView {
  id: string;
  externalId: string;
  meta?: Record<string, unknown>;
  ratelimits: Array<{
    id: string;
    name: string;
    limit: number;
    duration: number;
    autoApply: boolean;
  }>;
}

interface Scope {
  db: KeysDatabase;
  workspaceId: string;
  now: Date;
}

/**
 * One identity by id or externalId (an id wins when a string is both); 404 when there is none.
 * `forUpdate` locks the row, so two updates replacing its ratelimits run one after the other.
 */
export async function findIdentity(
  { db, workspaceId }: Omit<Scope, "now">,
  ref: string,
  options: { forUpdate?: boolean } = {},
): Promise<IdentityRow> {
  const query = db
    .select()
    .from(identities)
    .where(
      and(
        eq(identities.workspaceId, workspaceId),
        or(eq(identities.id, ref), eq(identities.externalId, ref)),
      ),
    )
    .orderBy(desc(sql`${identities.id} = ${ref}`))
    .limit(1);
  const [row] = options.forUpdate ? await query.for("update") : await query;
  if (!row) throw notFound(`Identity '${ref}'`);
  return row;
}

/** The SDK's `Identity` of each row, with its ratelimits, in one query. */
export async function identityViews(
  { db }: Pick<Scope, "db">,
  rows: IdentityRow[],
): Promise<IdentityView[]> {
  const ids = rows.map((row) => row.id);
  const limits = ids.length
    ? await db
        .select()
        .from(keyRatelimits)
        .where(inArray(keyRatelimits.identityId, ids))
        .orderBy(asc(keyRatelimits.name))
    : [];
  return rows.map((row) => ({
    id: row.id,
    externalId: row.externalId,
    ...(row.meta !== null && { meta: row.meta }),
    ratelimits: limits
      .filter((limit) => limit.identityId === row.id)
      .map((limit) => ({
        id: limit.id,
        name: limit.name,
        limit: limit.limit,
        duration: limit.duration,
        autoApply: limit.autoApply,
      })),
  }));
}

/** The identity of an externalId, created when there is none (createKey, updateKey). */
export async function upsertIdentity(scope: Scope, externalId: string): Promise<string> {
  const [identity] = await scope.db
    .insert(identities)
    .values({
      id: newId("identity", scope.now.getTime()),
      workspaceId: scope.workspaceId,
      externalId,
      createdAt: scope.now,
    })
    .onConflictDoUpdate({
      target: [identities.workspaceId, identities.externalId],
      // A no-op update, so the existing row comes back from RETURNING.
      set: { externalId: sql`excluded.external_id` },
    })
    .returning({ id: identities.id });
  return identity!.id;
}

/** createIdentity: an externalId already taken is a 409. */
export async function createIdentity(
  scope: Scope,
  input: {
    externalId: string;
    meta?: Record<string, unknown> | undefined;
    ratelimits?: IdentityRatelimit[] | undefined;
  },
): Promise<IdentityRow> {
  const [row] = await scope.db
    .insert(identities)
    .values({
      id: newId("identity", scope.now.getTime()),
      workspaceId: scope.workspaceId,
      externalId: input.externalId,
      meta: input.meta ?? null,
      createdAt: scope.now,
    })
    .onConflictDoNothing()
    .returning();
  if (!row) {
    throw new AppError("conflict", `An identity with externalId '${input.externalId}' exists.`);
  }
  await replaceRatelimits(scope, { identityId: row.id }, input.ratelimits ?? [], { isNew: true });
  return row;
}

/** updateIdentity: absent fields stay; `meta` and `ratelimits` replace what was there. */
export async function updateIdentity(
  scope: Scope,
  identity: IdentityRow,
  input: {
    meta?: Record<string, unknown> | undefined;
    ratelimits?: IdentityRatelimit[] | undefined;
  },
): Promise<IdentityRow> {
  const [row] = await scope.db
    .update(identities)
    .set({ ...(input.meta !== undefined && { meta: input.meta }), updatedAt: scope.now })
    .where(eq(identities.id, identity.id))
    .returning();
  if (input.ratelimits !== undefined) {
    await replaceRatelimits(scope, { identityId: identity.id }, input.ratelimits);
  }
  return row ?? identity;
}

/**
 * Deletes an identity and its ratelimits. Its keys stay and keep verifying, without the
 * identity's metadata and shared limits, as the SDK documents; the externalId is free again.
 */
export async function deleteIdentity(
  { db }: Pick<Scope, "db">,
  identity: IdentityRow,
): Promise<void> {
  await db.update(apiKeys).set({ identityId: null }).where(eq(apiKeys.identityId, identity.id));
  await db.delete(identities).where(eq(identities.id, identity.id));
}

/** A page of the workspace's identities in id order; `search` matches id or externalId. */
export async function listIdentities(
  { db, workspaceId }: Omit<Scope, "now">,
  page: { limit: number; cursor?: string | undefined; search?: string | undefined },
): Promise<IdentityRow[]> {
  const pattern = page.search && likePattern(page.search);
  return db
    .select()
    .from(identities)
    .where(
      and(
        eq(identities.workspaceId, workspaceId),
        page.cursor ? gt(identities.id, page.cursor) : undefined,
        pattern
          ? or(ilike(identities.id, pattern), ilike(identities.externalId, pattern))
          : undefined,
      ),
    )
    .orderBy(asc(identities.id))
    .limit(page.limit + 1);
}
