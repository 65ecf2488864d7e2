import { AppError, newId } from "@slipway/shared";
import { and, eq, isNull } from "drizzle-orm";
import type { Clock } from "../clock.js";
import { hashRootKey } from "../crypto/root-key.js";
import type { Database } from "../db/client.js";
import { type Actor, insertAuditLog } from "../db/repositories/audit-log-repository.js";
import {
  insertSession,
  revokeSession,
  type StoredSession,
} from "../db/repositories/session-repository.js";
import { rootKeys, type SessionRow } from "../db/schema/index.js";
import { mintSessionSecrets } from "../sessions/session-secrets.js";

export interface SessionDependencies {
  db: Database;
  clock: Clock;
  ttlSeconds: number;
  maxPerWorkspace: number;
}

/** What `sessions.createSession` and `sessions.getSession` answer. */
export interface SessionView {
  sessionId: string;
  workspaceId: string;
  expiresAt: number;
  csrfToken: string;
  via: "rootKey" | "github";
  user?: { id: string; login: string };
}

/**
 * What a person signed in with GitHub may do: everything in the workspace their installation is
 * bound to, as the owner of its bootstrap root key may (GitHub says they can access that
 * installation; Slipway has no finer roles for people yet).
 */
export const githubSessionPermissions = ["*"];

export function sessionView(session: SessionRow): SessionView {
  return {
    sessionId: session.id,
    workspaceId: session.workspaceId,
    expiresAt: session.expiresAt.getTime(),
    csrfToken: session.csrfSecret,
    via: session.rootKeyId ? "rootKey" : "github",
    ...(session.githubUserId && session.githubLogin
      ? { user: { id: session.githubUserId, login: session.githubLogin } }
      : {}),
  };
}

/** The actor a session's changes are audited under: its root key, or the GitHub user. */
export function sessionActor(session: Pick<SessionRow, "rootKeyId" | "githubLogin">): Actor {
  return session.rootKeyId
    ? { type: "root_key", id: session.rootKeyId }
    : { type: "github", id: session.githubLogin ?? "unknown" };
}

/** The permissions a stored session acts with now: its key's (read live), or its own. */
export function sessionPermissions(session: StoredSession): string[] {
  return (session.rootKeyId ? session.rootKeyPermissions : session.permissions) ?? [];
}

async function startSession(
  deps: SessionDependencies,
  principal: Pick<
    SessionRow,
    "workspaceId" | "rootKeyId" | "githubUserId" | "githubLogin" | "permissions"
  >,
  audit: { requestId: string; context: Record<string, unknown> },
): Promise<{ token: string; view: SessionView }> {
  const now = deps.clock();
  const secrets = mintSessionSecrets();
  const row: SessionRow = {
    id: newId("session", now.getTime()),
    ...principal,
    tokenHash: secrets.tokenHash,
    csrfSecret: secrets.csrfToken,
    createdAt: now,
    expiresAt: new Date(now.getTime() + deps.ttlSeconds * 1000),
    revokedAt: null,
  };
  await deps.db.transaction(async (tx) => {
    const endedSessions = await insertSession(tx, row, deps.maxPerWorkspace);
    await insertAuditLog(tx, {
      workspaceId: row.workspaceId,
      actor: sessionActor(row),
      requestId: audit.requestId,
      at: now,
      action: "session.create",
      targetType: "session",
      targetId: row.id,
      context: { ...audit.context, ...(endedSessions > 0 ? { endedSessions } : {}) },
    });
  });
  return { token: secrets.token, view: sessionView(row) };
}

/** `sessions.createSession`: a root key exchanged for a session acting as that key. */
export async function createRootKeySession(
  deps: SessionDependencies,
  rootKey: string,
  requestId: string,
) {
  const [key] = await deps.db
    .select({ id: rootKeys.id, workspaceId: rootKeys.workspaceId })
    .from(rootKeys)
    .where(and(eq(rootKeys.hash, hashRootKey(rootKey)), isNull(rootKeys.revokedAt)))
    .limit(1);
  if (!key) throw new AppError("unauthorized", "The root key is not valid or has been revoked.");
  return startSession(
    deps,
    {
      workspaceId: key.workspaceId,
      rootKeyId: key.id,
      githubUserId: null,
      githubLogin: null,
      permissions: null,
    },
    { requestId, context: { via: "rootKey" } },
  );
}

/** GitHub sign-in: a session for a person in the workspace their installation is bound to. */
export async function createGitHubSession(
  deps: SessionDependencies,
  input: { workspaceId: string; user: { id: string; login: string }; installationId: string },
  requestId: string,
) {
  return startSession(
    deps,
    {
      workspaceId: input.workspaceId,
      rootKeyId: null,
      githubUserId: input.user.id,
      githubLogin: input.user.login,
      permissions: githubSessionPermissions,
    },
    { requestId, context: { via: "github", installationId: input.installationId } },
  );
}

/** `sessions.deleteSession`: signs the session out on the server, audited. */
export async function endSession(
  deps: SessionDependencies,
  session: { sessionId: string; workspaceId: string; actor: Actor },
  requestId: string,
): Promise<void> {
  const now = deps.clock();
  await deps.db.transaction(async (tx) => {
    if (!(await revokeSession(tx, session.sessionId, now))) return;
    await insertAuditLog(tx, {
      workspaceId: session.workspaceId,
      actor: session.actor,
      requestId,
      at: now,
      action: "session.delete",
      targetType: "session",
      targetId: session.sessionId,
    });
  });
}
