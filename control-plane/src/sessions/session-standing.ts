export interface SessionFacts {
  expiresAt: Date;
  revokedAt: Date | null;
  /** For a root-key session: whether its key still exists unrevoked. */
  rootKeyActive: boolean | undefined;
}

/** Pure: whether a session may act now, and if not, what to tell the person. */
export function sessionStanding(
  session: SessionFacts,
  now: Date,
): { active: true } | { active: false; reason: string } {
  if (session.revokedAt) return { active: false, reason: "The session has been signed out." };
  if (session.expiresAt.getTime() <= now.getTime()) {
    return { active: false, reason: "The session has expired; sign in again." };
  }
  if (session.rootKeyActive === false) {
    return {
      active: false,
      reason: "The root key that started this session has been revoked; sign in again.",
    };
  }
  return { active: true };
}
