import { describe, expect, it } from "vitest";
import { nextRowIndex } from "./row-navigation";

describe("nextRowIndex", () => {
  it("moves by one, by a page and to either end, never past the table", () => {
    expect(nextRowIndex("ArrowDown", 0, 5, 10)).toBe(1);
    expect(nextRowIndex("ArrowDown", 4, 5, 10)).toBe(4);
    expect(nextRowIndex("ArrowUp", 0, 5, 10)).toBe(0);
    expect(nextRowIndex("PageDown", 2, 50, 10)).toBe(12);
    expect(nextRowIndex("PageUp", 3, 50, 10)).toBe(0);
    expect(nextRowIndex("End", 0, 50, 10)).toBe(49);
    expect(nextRowIndex("Home", 30, 50, 10)).toBe(0);
  });

  it("ignores other keys and empty tables", () => {
    expect(nextRowIndex("a", 0, 5, 10)).toBeNull();
    expect(nextRowIndex("ArrowDown", 0, 0, 10)).toBeNull();
  });
});
