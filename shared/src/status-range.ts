/**
 * Pure: the request-log status filter's ranges, for every client of `requestLogs.*` (the CLI's
 * `--status 200-299`, the dashboard's status field). The API takes single codes and classes
 * (`5xx`), at most 20 entries; a range becomes its classes where it covers them whole and its
 * codes elsewhere.
 */
export type StatusClassFilter = `${1 | 2 | 3 | 4 | 5}xx`;
export type StatusFilter = number | StatusClassFilter;

/** The most status entries one request-log call takes. */
export const maxStatusEntries = 20;

/**
 * `from`-`to` (inclusive) as filter entries: `400-599` is `4xx, 5xx`, `498-501` is four codes.
 * Undefined when the range runs backwards or leaves 100-599. Stops one entry past the API's
 * limit, so a caller sees "too many" without the loop running on.
 */
export function statusRangeEntries(from: number, to: number): StatusFilter[] | undefined {
  if (!(Number.isInteger(from) && Number.isInteger(to) && from >= 100 && to <= 599 && from <= to)) {
    return undefined;
  }
  const entries: StatusFilter[] = [];
  for (let code = from; code <= to && entries.length <= maxStatusEntries; ) {
    const classStart = code - (code % 100);
    if (code === classStart && classStart + 99 <= to) {
      entries.push(`${classStart / 100}xx` as StatusClassFilter);
      code += 100;
    } else {
      entries.push(code);
      code += 1;
    }
  }
  return entries;
}
