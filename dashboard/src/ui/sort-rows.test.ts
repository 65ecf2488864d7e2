import { describe, expect, it } from "vitest";
import { nextSort, sortRows } from "./sort-rows";

const rows = [
  { id: "a", name: "beta", used: 30 },
  { id: "b", name: "alpha", used: undefined },
  { id: "c", name: "key10", used: 10 },
  { id: "d", name: "key9", used: 30 },
];

describe("sortRows", () => {
  it("orders numbers both ways, keeping rows without a value last", () => {
    expect(sortRows(rows, (row) => row.used, "ascending").map((row) => row.id)).toEqual([
      "c",
      "a",
      "d",
      "b",
    ]);
    expect(sortRows(rows, (row) => row.used, "descending").map((row) => row.id)).toEqual([
      "a",
      "d",
      "c",
      "b",
    ]);
  });

  it("orders text naturally (key9 before key10) and leaves the input untouched", () => {
    const before = rows.map((row) => row.id);
    expect(sortRows(rows, (row) => row.name, "ascending").map((row) => row.name)).toEqual([
      "alpha",
      "beta",
      "key9",
      "key10",
    ]);
    expect(rows.map((row) => row.id)).toEqual(before);
  });
});

describe("nextSort", () => {
  it("starts ascending, flips on the same column, restarts on another", () => {
    const first = nextSort(null, "name");
    expect(first).toEqual({ column: "name", direction: "ascending" });
    expect(nextSort(first, "name")).toEqual({ column: "name", direction: "descending" });
    expect(nextSort(nextSort(first, "name"), "created")).toEqual({
      column: "created",
      direction: "ascending",
    });
  });
});
