import { describe, expect, it } from "vitest";
import { moveItem, reorderTarget } from "./policy-order";

describe("reordering policies", () => {
  it("moves one item and keeps the others in order, clamping the target", () => {
    expect(moveItem(["a", "b", "c"], 2, 0)).toEqual(["c", "a", "b"]);
    expect(moveItem(["a", "b", "c"], 0, 9)).toEqual(["b", "c", "a"]);
    expect(moveItem(["a", "b", "c"], 5, 0)).toEqual(["a", "b", "c"]);
  });

  it("maps the reorder keys to a position, and nothing at the ends", () => {
    expect(reorderTarget("ArrowUp", 1, 3)).toBe(0);
    expect(reorderTarget("ArrowUp", 0, 3)).toBeNull();
    expect(reorderTarget("ArrowDown", 2, 3)).toBeNull();
    expect(reorderTarget("End", 0, 3)).toBe(2);
    expect(reorderTarget("Home", 2, 3)).toBe(0);
    expect(reorderTarget("a", 1, 3)).toBeNull();
  });
});
