/** Pure: the row a key moves to in a table of `count` rows, or null for keys that do not move. */
export function nextRowIndex(
  key: string,
  current: number,
  count: number,
  pageSize: number,
): number | null {
  if (count === 0) return null;
  const last = count - 1;
  switch (key) {
    case "ArrowDown":
      return Math.min(current + 1, last);
    case "ArrowUp":
      return Math.max(current - 1, 0);
    case "PageDown":
      return Math.min(current + pageSize, last);
    case "PageUp":
      return Math.max(current - pageSize, 0);
    case "Home":
      return 0;
    case "End":
      return last;
    default:
      return null;
  }
}
