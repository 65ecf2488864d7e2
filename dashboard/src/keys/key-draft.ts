import {
  metaText,
  type Parsed,
  parseMeta,
  parseRatelimits,
  type RatelimitDraft,
  type RatelimitValue,
  ratelimitDrafts,
} from "./field-drafts";

/** The key as the list response has it: everything the editor needs, no extra request. */
export interface KeyFields {
  keyId: string;
  name?: string | undefined;
  meta?: Record<string, unknown> | undefined;
  expires?: number | undefined;
  enabled: boolean;
  credits?: { remaining: number | null } | undefined;
  ratelimits?: ReadonlyArray<{ name: string; limit: number; duration: number; autoApply: boolean }>;
  identity?: { externalId: string } | undefined;
}

/** The editor's text fields; empty text clears the field on the key. */
export interface KeyDraft {
  name: string;
  externalId: string;
  meta: string;
  /** `datetime-local` text, in the browser's time zone. */
  expires: string;
  /** Empty: unlimited. */
  credits: string;
  ratelimits: RatelimitDraft[];
  enabled: boolean;
}

/**
 * The SDK's `V2KeysUpdateKeyRequestBody` as the editor sends it: only the fields a person
 * changed (absent stays, `null` clears), so saving a new name never writes back a credit balance
 * that verifications have spent since the table loaded, nor an expiry rounded to the minute.
 */
export interface KeyUpdate {
  keyId: string;
  name?: string | null;
  externalId?: string | null;
  meta?: Record<string, unknown> | null;
  expires?: number | null;
  credits?: { remaining: number | null };
  ratelimits?: RatelimitValue[];
  enabled?: boolean;
}

const pad = (value: number) => String(value).padStart(2, "0");

/** Milliseconds to `datetime-local` text in the browser's zone (what the input shows). */
export function localDateTime(epochMs: number): string {
  const date = new Date(epochMs);
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

export function draftFromKey(key: KeyFields): KeyDraft {
  return {
    name: key.name ?? "",
    externalId: key.identity?.externalId ?? "",
    meta: metaText(key.meta),
    expires: key.expires ? localDateTime(key.expires) : "",
    credits:
      key.credits?.remaining === null || key.credits === undefined
        ? ""
        : String(key.credits.remaining),
    ratelimits: ratelimitDrafts(key.ratelimits ?? []),
    enabled: key.enabled,
  };
}

/**
 * Pure: the update request for what changed between `initial` (the key as loaded) and `draft`,
 * or the first problem a person has to fix.
 */
export function keyUpdateFromDraft(
  keyId: string,
  initial: KeyDraft,
  draft: KeyDraft,
): Parsed<KeyUpdate> {
  const meta = parseMeta(draft.meta);
  if (!meta.ok) return meta;
  const ratelimits = parseRatelimits(draft.ratelimits);
  if (!ratelimits.ok) return ratelimits;
  let expires: number | null = null;
  if (draft.expires.trim()) {
    expires = new Date(draft.expires).getTime();
    if (Number.isNaN(expires)) return { ok: false, error: "The expiry is not a date and time." };
  }
  const creditsText = draft.credits.trim();
  if (creditsText && !/^\d{1,15}$/.test(creditsText)) {
    return { ok: false, error: "Credits must be a whole number, or empty for unlimited." };
  }
  const changed = (field: keyof KeyDraft) =>
    JSON.stringify(initial[field]) !== JSON.stringify(draft[field]);
  return {
    ok: true,
    value: {
      keyId,
      ...(changed("name") && { name: draft.name.trim() || null }),
      ...(changed("externalId") && { externalId: draft.externalId.trim() || null }),
      ...(changed("meta") && { meta: meta.value }),
      ...(changed("expires") && { expires }),
      ...(changed("credits") && {
        credits: { remaining: creditsText ? Number(creditsText) : null },
      }),
      ...(changed("ratelimits") && { ratelimits: ratelimits.value }),
      ...(changed("enabled") && { enabled: draft.enabled }),
    },
  };
}
