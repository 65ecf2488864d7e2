import { and, desc, eq, isNull, lte, or, sql } from "drizzle-orm";
import type { DatabaseOrTransaction } from "../client.js";
import { rootKeys, type SessionRow, sessions } from "../schema/index.js";

/**
 * Stores a new session and keeps the workspace within `maxPerWorkspace`. Under a per-workspace
 * advisory lock (two sign-ins at once cannot both keep the last place): the workspace's expired
 * and signed-out sessions are deleted, the new one inserted, and the oldest beyond the bound
 * deleted (ended). Returns how many active sessions were ended to make room.
 */
export async function insertSession(
  tx: DatabaseOrTransaction,
  session: SessionRow,
  maxPerWorkspace: number,
): Promise<number> {
  await tx.execute(
    sql`select pg_advisory_xact_lock(hashtext(${`sessions:${session.workspaceId}`}))`,
  );
  await tx
    .delete(sessions)
    .where(
      and(
        eq(sessions.workspaceId, session.workspaceId),
        or(lte(sessions.expiresAt, session.createdAt), sql`${sessions.revokedAt} is not null`),
      ),
    );
  await tx.insert(sessions).values(session);
  const keep = tx
    .select({ id: sessions.id })
    .from(sessions)
    .where(eq(sessions.workspaceId, session.workspaceId))
    .orderBy(desc(sessions.createdAt), desc(sessions.id))
    .limit(maxPerWorkspace);
  const ended = await tx
    .delete(sessions)
    .where(and(eq(sessions.workspaceId, session.workspaceId), sql`${sessions.id} not in ${keep}`))
    .returning({ id: sessions.id });
  return ended.length;
}

export interface StoredSession extends SessionRow {
  /** The permissions of the root key that made it (null: a GitHub session, or the key is gone). */
  rootKeyPermissions: string[] | null;
  rootKeyRevokedAt: Date | null;
}

/** The session whose cookie token hashes to `tokenHash`, with its root key's current state. */
export async function findSessionByTokenHash(
  db: DatabaseOrTransaction,
  tokenHash: string,
): Promise<StoredSession | undefined> {
  const [row] = await db
    .select({
      session: sessions,
      rootKeyPermissions: rootKeys.permissions,
      rootKeyRevokedAt: rootKeys.revokedAt,
    })
    .from(sessions)
    .leftJoin(rootKeys, eq(rootKeys.id, sessions.rootKeyId))
    .where(eq(sessions.tokenHash, tokenHash))
    .limit(1);
  return (
    row && {
      ...row.session,
      rootKeyPermissions: row.rootKeyPermissions,
      rootKeyRevokedAt: row.rootKeyRevokedAt,
    }
  );
}

/** Signs a session out; compare-and-swap, so of two sign-outs exactly one reports it. */
export async function revokeSession(
  tx: DatabaseOrTransaction,
  sessionId: string,
  now: Date,
): Promise<boolean> {
  const revoked = await tx
    .update(sessions)
    .set({ revokedAt: now })
    .where(and(eq(sessions.id, sessionId), isNull(sessions.revokedAt)))
    .returning({ id: sessions.id });
  return revoked.length > 0;
}
