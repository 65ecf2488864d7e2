import { describe, expect, it } from "vitest";
import { lastRefillBoundary } from "./credit-refill.js";

const utc = (text: string) => Date.parse(`${text}Z`);

describe("credit refill boundaries", () => {
  it.each([
    ["daily", undefined, "2026-12-02T10:00:00", "2026-12-02T00:00:00"],
    ["daily", undefined, "2026-12-02T00:00:00", "2026-12-02T00:00:00"],
    ["monthly", 15, "2026-12-20T00:00:00", "2026-12-15T00:00:00"],
    ["monthly", 15, "2026-12-14T23:59:59", "2026-11-15T00:00:00"],
    ["monthly", 1, "2026-01-01T00:00:00", "2026-01-01T00:00:00"],
    ["monthly", 5, "2026-01-03T00:00:00", "2025-12-05T00:00:00"],
    // Day 31 in a 30-day month and in February: the last day.
    ["monthly", 31, "2026-11-30T12:00:00", "2026-11-30T00:00:00"],
    ["monthly", 31, "2026-03-15T00:00:00", "2026-02-28T00:00:00"],
    ["monthly", 30, "2028-03-01T00:00:00", "2028-02-29T00:00:00"],
  ] as const)("%s (day %s) at %s refilled last at %s", (interval, refillDay, now, expected) => {
    expect(
      lastRefillBoundary({ interval, amount: 1, ...(refillDay && { refillDay }) }, utc(now)),
    ).toBe(utc(expected));
  });
});
