import { AppError } from "@slipway/shared";

const hourMs = 3_600_000;
const dayMs = 24 * hourMs;

/** No read spans more than this: it bounds the partitions (days) one call can touch. */
export const maxWindowMs = 31 * dayMs;
/** Without `since`, a window reaches this far back from its end. */
export const defaultWindowMs = dayMs;
/** A stats call answers at most this many buckets per status class. */
export const maxBuckets = 1000;
const defaultBuckets = 120;
const roundBucketWidths = [
  1000,
  5000,
  10_000,
  30_000,
  60_000,
  5 * 60_000,
  10 * 60_000,
  30 * 60_000,
  hourMs,
  3 * hourMs,
  6 * hourMs,
  12 * hourMs,
  dayMs,
];

export interface TimeWindow {
  since: number;
  until: number;
}

/** Pure: the window a call reads, defaults filled in; a 400 naming the field when it cannot be. */
export function resolveWindow(
  input: { since?: number; until?: number },
  nowMs: number,
): TimeWindow {
  const until = input.until ?? Math.max(nowMs, (input.since ?? 0) + 1);
  const since = input.since ?? Math.max(0, until - defaultWindowMs);
  if (since >= until) {
    throw new AppError("bad_request", "'since' must be before 'until'.", {
      errors: [{ location: "body.since", message: "must be before 'until'" }],
    });
  }
  if (until - since > maxWindowMs) {
    throw new AppError("bad_request", "The time window may span at most 31 days.", {
      errors: [{ location: "body.since", message: "window longer than 31 days" }],
    });
  }
  return { since, until };
}

/** Pure: the bucket width asked for (at most 1000 buckets), or a round one giving ≤ 120. */
export function resolveBucketWidth(window: TimeWindow, bucketMs: number | undefined): number {
  const span = window.until - window.since;
  if (bucketMs !== undefined) {
    if (Math.ceil(span / bucketMs) > maxBuckets) {
      throw new AppError(
        "bad_request",
        `That bucket width makes more than ${maxBuckets} buckets; use a wider one.`,
        { errors: [{ location: "body.bucketMs", message: `more than ${maxBuckets} buckets` }] },
      );
    }
    return bucketMs;
  }
  return roundBucketWidths.find((width) => Math.ceil(span / width) <= defaultBuckets) ?? dayMs;
}
