import { describe, expect, it } from "vitest";
import { maxStatusEntries, statusRangeEntries } from "./status-range.js";

describe("statusRangeEntries", () => {
  it("uses whole classes where the range covers them and single codes elsewhere", () => {
    expect(statusRangeEntries(400, 599)).toEqual(["4xx", "5xx"]);
    expect(statusRangeEntries(498, 501)).toEqual([498, 499, 500, 501]);
    expect(statusRangeEntries(200, 299)).toEqual(["2xx"]);
    expect(statusRangeEntries(404, 404)).toEqual([404]);
  });

  it("refuses backwards and out-of-range ranges, and stops just past the API's limit", () => {
    expect(statusRangeEntries(503, 500)).toBeUndefined();
    expect(statusRangeEntries(50, 99)).toBeUndefined();
    expect(statusRangeEntries(500, 700)).toBeUndefined();
    expect(statusRangeEntries(200, 260)).toHaveLength(maxStatusEntries + 1);
  });
});
