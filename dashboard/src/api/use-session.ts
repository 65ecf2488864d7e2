import { useSyncExternalStore } from "react";
import { currentSession, onSessionChange, type Session } from "./session-store";

export function useSession(): Session | null {
  return useSyncExternalStore(onSessionChange, currentSession, currentSession);
}
