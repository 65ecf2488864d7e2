/**
 * Pure: the form fields keys and identities share (meta as JSON text, ratelimits as rows of
 * text inputs), read into the SDK's request shapes or into a message naming what is wrong.
 */
export interface RatelimitDraft {
  name: string;
  limit: string;
  /** Milliseconds, as the API takes them. */
  duration: string;
  autoApply: boolean;
}

export interface RatelimitValue {
  name: string;
  limit: number;
  duration: number;
  autoApply: boolean;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

/** Empty text means "no meta" (null); otherwise a JSON object. */
export function parseMeta(text: string): Parsed<Record<string, unknown> | null> {
  if (!text.trim()) return { ok: true, value: null };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, error: "Meta must be valid JSON." };
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return { ok: false, error: 'Meta must be a JSON object, like {"plan": "pro"}.' };
  }
  return { ok: true, value: value as Record<string, unknown> };
}

export function metaText(meta: Record<string, unknown> | undefined): string {
  return meta && Object.keys(meta).length > 0 ? JSON.stringify(meta, null, 2) : "";
}

/** Whole non-negative numbers only ("1e3", "1.5", "-2" are refused, not rounded). */
function wholeNumber(text: string): number | undefined {
  return /^\d{1,15}$/.test(text.trim()) ? Number(text.trim()) : undefined;
}

/** Every row must be complete; names must be unique (the API would refuse them too). */
export function parseRatelimits(drafts: readonly RatelimitDraft[]): Parsed<RatelimitValue[]> {
  const values: RatelimitValue[] = [];
  for (const [index, draft] of drafts.entries()) {
    const row = `Ratelimit ${index + 1}`;
    const name = draft.name.trim();
    if (!name) return { ok: false, error: `${row} needs a name.` };
    const limit = wholeNumber(draft.limit);
    if (limit === undefined)
      return { ok: false, error: `${row}: the limit must be a whole number.` };
    const duration = wholeNumber(draft.duration);
    if (duration === undefined || duration < 1000) {
      return { ok: false, error: `${row}: the window must be at least 1000 ms.` };
    }
    if (values.some((value) => value.name === name)) {
      return { ok: false, error: `${row}: the name '${name}' is used twice.` };
    }
    values.push({ name, limit, duration, autoApply: draft.autoApply });
  }
  return { ok: true, value: values };
}

export function ratelimitDrafts(
  ratelimits: ReadonlyArray<{ name: string; limit: number; duration: number; autoApply?: boolean }>,
): RatelimitDraft[] {
  return ratelimits.map((ratelimit) => ({
    name: ratelimit.name,
    limit: String(ratelimit.limit),
    duration: String(ratelimit.duration),
    autoApply: ratelimit.autoApply ?? false,
  }));
}

export const emptyRatelimit: RatelimitDraft = {
  name: "",
  limit: "",
  duration: "60000",
  autoApply: true,
};
