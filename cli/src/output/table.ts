/** Pure: rows as aligned columns under a header, for people; `-` stands for a missing value. */
export function renderTable(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
): string[] {
  const cells = rows.map((row) => headers.map((_, index) => row[index] || "-"));
  const widths = headers.map((header, index) =>
    Math.max(header.length, ...cells.map((row) => row[index]!.length)),
  );
  const line = (row: readonly string[]) =>
    row
      .map((cell, index) => (index === row.length - 1 ? cell : cell.padEnd(widths[index]!)))
      .join("  ");
  return [line(headers), ...cells.map(line)];
}

/** Pure: a time in milliseconds since the epoch as an ISO date, or `-`. */
export const formatTime = (milliseconds: number | undefined) =>
  milliseconds === undefined ? "-" : new Date(milliseconds).toISOString().replace(/\.\d+Z$/, "Z");
