import { describe, expect, it } from "vitest";
import { maxWindowMs, resolveBucketWidth, resolveWindow } from "./request-log-window.js";

const now = Date.parse("2026-12-02T14:00:00Z");
const hour = 3_600_000;

describe("resolveWindow", () => {
  it("defaults to the 24 hours up to now, and fills either end from the other", () => {
    expect(resolveWindow({}, now)).toEqual({ since: now - 24 * hour, until: now });
    expect(resolveWindow({ until: now - hour }, now)).toEqual({
      since: now - 25 * hour,
      until: now - hour,
    });
    expect(resolveWindow({ since: now - hour }, now)).toEqual({ since: now - hour, until: now });
  });

  it("refuses an empty or reversed window and one longer than 31 days", () => {
    expect(() => resolveWindow({ since: now, until: now }, now)).toThrow(/before/);
    expect(() => resolveWindow({ since: 0 }, now)).toThrow(/31 days/);
    expect(resolveWindow({ since: now - maxWindowMs, until: now }, now).since).toBe(
      now - maxWindowMs,
    );
  });
});

describe("resolveBucketWidth", () => {
  it("picks the smallest round width giving at most 120 buckets", () => {
    expect(resolveBucketWidth({ since: now - hour, until: now }, undefined)).toBe(30_000);
    expect(resolveBucketWidth({ since: now - 24 * hour, until: now }, undefined)).toBe(30 * 60_000);
    expect(resolveBucketWidth({ since: now - 31 * 24 * hour, until: now }, undefined)).toBe(
      12 * hour,
    );
  });

  it("takes a width asked for unless it makes more than 1000 buckets", () => {
    expect(resolveBucketWidth({ since: now - hour, until: now }, 5000)).toBe(5000);
    expect(() => resolveBucketWidth({ since: now - 2 * hour, until: now }, 1000)).toThrow(/1000/);
  });
});
