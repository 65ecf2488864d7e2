import { useCallback, useEffect, useState } from "react";
import { type DraftRow, deserialiseDraft, draftStorageKey, serialiseDraft } from "./env-draft";

let nextId = 0;
export const newRowId = () => `draft-${Date.now().toString(36)}-${++nextId}`;

/**
 * The editor's unsaved rows for one environment, mirrored to sessionStorage on every change so
 * closing the editor or reloading the tab loses nothing but secret values (see env-draft.ts).
 */
export function useEnvDraft(environmentKey: string) {
  const storageKey = draftStorageKey(environmentKey);
  const [rows, setRows] = useState<DraftRow[]>(() =>
    deserialiseDraft(readStorage(storageKey), newRowId),
  );

  useEffect(() => {
    if (rows.length === 0) removeStorage(storageKey);
    else writeStorage(storageKey, serialiseDraft(rows));
  }, [rows, storageKey]);

  const clear = useCallback(() => setRows([]), []);
  return { rows, setRows, clear };
}

function readStorage(key: string): string | null {
  try {
    return sessionStorage.getItem(key);
  } catch {
    return null;
  }
}

function writeStorage(key: string, value: string): void {
  try {
    sessionStorage.setItem(key, value);
  } catch {
    // Storage full or disabled: the draft lives as long as the page does.
  }
}

function removeStorage(key: string): void {
  try {
    sessionStorage.removeItem(key);
  } catch {
    // As above.
  }
}
