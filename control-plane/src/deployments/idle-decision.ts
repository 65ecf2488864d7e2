/** What the idle decision for one ready preview is made from. */
export interface PreviewActivity {
  /** When it became ready (its last status change). */
  readyAt: Date;
  /** When Sentinel last saw a request for it (epoch ms), if ever. */
  lastRequestAt: number | undefined;
}

/**
 * Pure: has the preview had no request for `idleAfterMs`? A preview never requested since it
 * became ready counts from then; a request older than its readiness (before a stop and start)
 * counts from readiness too.
 */
export function isIdle(activity: PreviewActivity, now: Date, idleAfterMs: number): boolean {
  const lastActive = Math.max(activity.readyAt.getTime(), activity.lastRequestAt ?? 0);
  return now.getTime() - lastActive >= idleAfterMs;
}

/** Pure: a Redis value as an epoch-ms time; anything else (missing, garbage) as none. */
export function parseLastRequest(value: string | null | undefined): number | undefined {
  if (!value || !/^\d{1,15}$/.test(value)) return undefined;
  return Number(value);
}
