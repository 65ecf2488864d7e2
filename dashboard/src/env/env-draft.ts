/**
 * The env editor's unsaved rows, and what of them survives a closed editor or a reload.
 * Chosen rule: keys, descriptions and the values of recoverable (non-secret) rows are kept in
 * sessionStorage (this tab only, gone when it closes); a write-only row's value is never written
 * to browser storage — after a reload the row is back with its key and an empty value to re-enter.
 */
export interface DraftRow {
  id: string;
  key: string;
  value: string;
  secret: boolean;
  /** A secret value that was dropped when the draft was stored; the row asks for it again. */
  valueLost?: boolean;
}

interface StoredRow {
  key: string;
  value?: string;
  secret: boolean;
}

export function draftStorageKey(environmentId: string): string {
  return `slipway.env-draft.${environmentId}`;
}

/** Pure: the stored form of a draft; secret values are left out. */
export function serialiseDraft(rows: readonly DraftRow[]): string {
  const stored: StoredRow[] = rows.map((row) =>
    row.secret ? { key: row.key, secret: true } : { key: row.key, value: row.value, secret: false },
  );
  return JSON.stringify(stored);
}

/** Pure: rows back from storage; anything malformed is dropped rather than trusted. */
export function deserialiseDraft(text: string | null, makeId: () => string): DraftRow[] {
  if (!text) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return [];
  }
  if (!Array.isArray(parsed)) return [];
  const rows: DraftRow[] = [];
  for (const item of parsed.slice(0, 1000)) {
    if (!item || typeof item !== "object") continue;
    const { key, value, secret } = item as Record<string, unknown>;
    if (typeof key !== "string" || typeof secret !== "boolean") continue;
    if (secret) {
      rows.push({ id: makeId(), key, value: "", secret: true, valueLost: true });
    } else {
      rows.push({
        id: makeId(),
        key,
        value: typeof value === "string" ? value : "",
        secret: false,
      });
    }
  }
  return rows;
}
