export type StatusClass = "1xx" | "2xx" | "3xx" | "4xx" | "5xx";

/** The API takes at most this many status entries (codes and classes together). */
export const maxStatusEntries = 20;

/**
 * Pure: an inclusive range of status codes as the API's filter entries: a class for each class
 * the range covers whole, single codes for the parts it does not ("400-599" is 4xx and 5xx,
 * "498-501" is 498, 499, 500, 501). Undefined when the range is not one.
 */
export function statusRangeEntries(
  low: number,
  high: number,
): Array<number | StatusClass> | undefined {
  if (!(low >= 100 && high <= 599 && low <= high)) return undefined;
  const entries: Array<number | StatusClass> = [];
  for (let hundred = 1; hundred <= 5; hundred++) {
    const classLow = hundred * 100;
    const classHigh = classLow + 99;
    const from = Math.max(low, classLow);
    const to = Math.min(high, classHigh);
    if (from > to) continue;
    if (from === classLow && to === classHigh) entries.push(`${hundred}xx` as StatusClass);
    else for (let code = from; code <= to; code++) entries.push(code);
  }
  return entries;
}
