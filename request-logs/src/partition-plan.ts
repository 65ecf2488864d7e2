/** Partitions are named by their UTC day: `request_logs_p20261202` holds that day's requests. */
export const partitionPrefix = "request_logs_p";

const dayMs = 86_400_000;

export interface PartitionPolicy {
  /** Whole days of logs kept; a partition is dropped once all of it is older than this. */
  retentionDays: number;
  /** Days created ahead of today, so writes never wait for the job (and survive its outage). */
  daysAhead: number;
}

export interface DayPartition {
  name: string;
  /** Inclusive start and exclusive end, ISO timestamps at UTC midnight. */
  from: string;
  to: string;
}

export interface PartitionPlan {
  create: DayPartition[];
  drop: string[];
}

export function partitionForDay(dayStartMs: number): DayPartition {
  const from = new Date(dayStartMs).toISOString();
  return {
    name: `${partitionPrefix}${from.slice(0, 10).replaceAll("-", "")}`,
    from,
    to: new Date(dayStartMs + dayMs).toISOString(),
  };
}

/** The UTC midnight a partition name stands for; undefined for a table that is not ours. */
export function dayOfPartition(name: string): number | undefined {
  const match = /^request_logs_p(\d{4})(\d{2})(\d{2})$/.exec(name);
  if (!match) return undefined;
  const ms = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  return partitionForDay(ms).name === name ? ms : undefined;
}

/**
 * Pure: which day partitions to create and which to drop, given those that exist. Yesterday
 * is created too (a batch written just after midnight carries times from before it); a day is
 * dropped only when its end is more than `retentionDays` ago, so nothing younger is ever lost.
 */
export function planPartitions(
  existing: readonly string[],
  nowMs: number,
  policy: PartitionPolicy,
): PartitionPlan {
  const today = Math.floor(nowMs / dayMs) * dayMs;
  const oldestKept = nowMs - policy.retentionDays * dayMs;
  const have = new Set(existing);
  const create: DayPartition[] = [];
  for (let day = today - dayMs; day <= today + policy.daysAhead * dayMs; day += dayMs) {
    const partition = partitionForDay(day);
    if (day + dayMs > oldestKept && !have.has(partition.name)) create.push(partition);
  }
  const drop = existing
    .filter((name) => {
      const day = dayOfPartition(name);
      return day !== undefined && day + dayMs <= oldestKept;
    })
    .sort();
  return { create, drop };
}
