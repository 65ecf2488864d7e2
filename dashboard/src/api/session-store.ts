/**
 * The signed-in session as the browser knows it. The CSRF token lives in this module's memory
 * only (never localStorage or sessionStorage): a reload asks `sessions.getSession`, which the
 * HttpOnly cookie authenticates, for it again.
 */
export interface Session {
  sessionId: string;
  workspaceId: string;
  expiresAt: number;
  csrfToken: string;
  via: string;
}

type Listener = (session: Session | null) => void;

let current: Session | null = null;
const listeners = new Set<Listener>();

export function currentSession(): Session | null {
  return current;
}

export function setSession(session: Session | null): void {
  current = session;
  for (const listener of listeners) listener(session);
}

export function onSessionChange(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
