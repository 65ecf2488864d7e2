export interface RefillSchedule {
  interval: "daily" | "monthly";
  amount: number;
  /** Monthly only: 1-31; in shorter months the refill happens on the month's last day. */
  refillDay?: number;
}

const dayMs = 86_400_000;

/**
 * The most recent refill instant at or before `now` (Unix ms, UTC midnights): today's for a
 * daily refill; this month's refill day for a monthly one once it has come, else last month's.
 * A balance last refilled before this instant is due a refill to `amount`.
 */
export function lastRefillBoundary(schedule: RefillSchedule, now: number): number {
  if (schedule.interval === "daily") return Math.floor(now / dayMs) * dayMs;
  const day = schedule.refillDay ?? 1;
  const date = new Date(now);
  const refillIn = (year: number, month: number) => {
    const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
    return Date.UTC(year, month, Math.min(day, lastDay));
  };
  const thisMonth = refillIn(date.getUTCFullYear(), date.getUTCMonth());
  if (thisMonth <= now) return thisMonth;
  return refillIn(date.getUTCFullYear(), date.getUTCMonth() - 1);
}
