import {
  maxStatusEntries,
  type StatusClassFilter,
  type StatusFilter,
  statusRangeEntries,
} from "@slipway/shared/status-range";

/**
 * Pure: `slipway requests` flags → the body of `requestLogs.listRequestLogs`. The API takes
 * single codes and classes (`5xx`); a range such as `200-299` becomes its classes when it covers
 * them whole, otherwise its codes (at most the API's 20 entries; `@slipway/shared/status-range`).
 */
const statusClass = /^([1-5])xx$/i;
const statusCode = /^([1-5]\d\d)$/;
const statusRange = /^([1-5]\d\d)-([1-5]\d\d)$/;

export type { StatusFilter };

export class FilterError extends Error {}

export function parseStatusFilters(values: readonly string[]): StatusFilter[] {
  const entries = new Set<StatusFilter>();
  for (const raw of values.flatMap((value) => value.split(","))) {
    const value = raw.trim();
    const cls = statusClass.exec(value);
    const code = statusCode.exec(value);
    const range = statusRange.exec(value);
    if (cls) entries.add(`${cls[1]}xx` as StatusClassFilter);
    else if (code) entries.add(Number(code[1]));
    else if (range)
      for (const entry of rangeEntries(Number(range[1]), Number(range[2]))) entries.add(entry);
    else
      throw new FilterError(
        `--status "${value}" is not a code (404), a class (5xx) or a range (200-299).`,
      );
  }
  if (entries.size > maxStatusEntries) {
    throw new FilterError(
      `--status names ${entries.size} codes; at most ${maxStatusEntries} (use classes such as 4xx).`,
    );
  }
  return [...entries];
}

function rangeEntries(from: number, to: number): StatusFilter[] {
  const entries = statusRangeEntries(from, to);
  if (!entries) throw new FilterError(`--status ${from}-${to}: the range runs backwards.`);
  if (entries.length > maxStatusEntries) {
    throw new FilterError(
      `--status ${from}-${to} covers more than ${maxStatusEntries} single codes; use whole classes (e.g. 200-299) or 4xx.`,
    );
  }
  return entries;
}

const relative = /^(\d{1,6})(s|m|h|d)$/;
const unitMs = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** `--since 15m` / `2h` / `1d` (before now) or an ISO date → epoch milliseconds. */
export function parseSince(value: string, now: number): number {
  const match = relative.exec(value.trim());
  if (match) return now - Number(match[1]) * unitMs[match[2] as keyof typeof unitMs];
  const parsed = Date.parse(value);
  if (/^\d{4}-\d{2}-\d{2}/.test(value) && Number.isFinite(parsed)) return parsed;
  throw new FilterError(`--since "${value}" is not a duration (15m, 2h, 1d) or an ISO date.`);
}

export interface RequestFilterOptions {
  status?: string[];
  method?: string[];
  host?: string[];
  path?: string;
  deployment?: string;
  requestId?: string[];
  since?: string;
}

/** The list call's filter fields from the command's options. */
export function requestLogFilter(options: RequestFilterOptions, now: number) {
  return {
    ...(options.status ? { status: parseStatusFilters(options.status) } : {}),
    ...(options.method ? { methods: options.method.map((method) => method.toUpperCase()) } : {}),
    ...(options.host ? { hosts: options.host } : {}),
    ...(options.path ? { pathPrefix: options.path } : {}),
    ...(options.deployment ? { deploymentId: options.deployment } : {}),
    ...(options.requestId ? { requestIds: options.requestId } : {}),
    ...(options.since ? { since: parseSince(options.since, now) } : {}),
  };
}
