import { describe, expect, it } from "vitest";
import { decideBuildSlot } from "./build-slot.js";

describe("decideBuildSlot", () => {
  it("lets builds start until the workspace's cap is reached", () => {
    const base = { cap: 2, isProduction: false, productionWaiting: 0 };
    expect(decideBuildSlot({ ...base, building: 0 }).take).toBe(true);
    expect(decideBuildSlot({ ...base, building: 1 }).take).toBe(true);
    const full = decideBuildSlot({ ...base, building: 2 });
    expect(full).toEqual({ take: false, reason: "2 of 2 build slots of the workspace are in use" });
  });

  it("keeps free slots for waiting production deployments: previews wait, production goes", () => {
    const waiting = { cap: 2, building: 1, productionWaiting: 1 };
    expect(decideBuildSlot({ ...waiting, isProduction: false })).toEqual({
      take: false,
      reason: "1 of 2 build slots of the workspace are in use, production deployments first",
    });
    expect(decideBuildSlot({ ...waiting, isProduction: true }).take).toBe(true);
  });

  it("never exceeds the cap for production either", () => {
    expect(
      decideBuildSlot({ cap: 1, building: 1, isProduction: true, productionWaiting: 3 }).take,
    ).toBe(false);
  });
});
