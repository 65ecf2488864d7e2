import { describe, expect, it } from "vitest";
import { isId, newId } from "./ids.js";

describe("ids", () => {
  it("carry their kind's prefix and are recognised only as that kind", () => {
    const id = newId("project");
    expect(id).toMatch(/^proj_[0-9a-z]{26}$/);
    expect(isId("project", id)).toBe(true);
    expect(isId("app", id)).toBe(false);
    expect(isId("project", "my-project")).toBe(false);
  });

  it("sort by creation time, which cursor pagination relies on", () => {
    const times = [1_700_000_000_000, 1_700_000_000_001, 1_800_000_000_000, 4_000_000_000_000];
    const ids = times.map((time) => newId("deployment", time));
    expect([...ids].sort()).toEqual(ids);
  });

  it("never repeat within the same millisecond", () => {
    const ids = new Set(Array.from({ length: 10_000 }, () => newId("request", 1)));
    expect(ids.size).toBe(10_000);
  });
});
