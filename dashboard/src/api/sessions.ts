import { ApiError } from "./api-error";
import { callOperation } from "./http";
import { type Session, setSession } from "./session-store";

/** Exchanges a root key for a session cookie; the key is sent once and kept nowhere. */
export async function signInWithRootKey(rootKey: string): Promise<Session> {
  const session = await callOperation<Session>("sessions.createSession", { rootKey });
  setSession(session);
  return session;
}

/** Recovers the session (and its CSRF token) after a reload; null when signed out. */
export async function recoverSession(): Promise<Session | null> {
  try {
    const session = await callOperation<Session>("sessions.getSession", {});
    setSession(session);
    return session;
  } catch (error) {
    if (error instanceof ApiError && (error.status === 401 || error.status === 404)) {
      setSession(null);
      return null;
    }
    throw error;
  }
}

/** Ends the session on the server, then forgets it here even if the server was unreachable. */
export async function signOut(): Promise<void> {
  try {
    await callOperation("sessions.deleteSession", {});
  } finally {
    setSession(null);
  }
}
