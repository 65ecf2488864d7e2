import { describe, expect, it } from "vitest";
import { parseSince, parseStatusFilters, requestLogFilter } from "./request-filters.js";

describe("parseStatusFilters", () => {
  it("takes codes, classes and ranges, a range covering a class whole becomes the class", () => {
    expect(parseStatusFilters(["5xx", "404"])).toEqual(["5xx", 404]);
    expect(parseStatusFilters(["200-299"])).toEqual(["2xx"]);
    expect(parseStatusFilters(["200-399"])).toEqual(["2xx", "3xx"]);
    expect(parseStatusFilters(["401-403,5xx"])).toEqual([401, 402, 403, "5xx"]);
    expect(parseStatusFilters(["495-599"])).toEqual([495, 496, 497, 498, 499, "5xx"]);
  });

  it("refuses what the API cannot take, saying why", () => {
    expect(() => parseStatusFilters(["6xx"])).toThrow(/not a code/);
    expect(() => parseStatusFilters(["ok"])).toThrow(/not a code/);
    expect(() => parseStatusFilters(["299-200"])).toThrow(/backwards/);
    expect(() => parseStatusFilters(["200-250"])).toThrow(/more than 20/);
  });
});

describe("parseSince", () => {
  const now = Date.parse("2026-12-02T12:00:00Z");
  it("reads durations before now and ISO dates", () => {
    expect(parseSince("15m", now)).toBe(now - 15 * 60_000);
    expect(parseSince("2h", now)).toBe(now - 7_200_000);
    expect(parseSince("1d", now)).toBe(now - 86_400_000);
    expect(parseSince("2026-12-01T00:00:00Z", now)).toBe(Date.parse("2026-12-01T00:00:00Z"));
    expect(() => parseSince("yesterday", now)).toThrow(/not a duration/);
  });
});

describe("requestLogFilter", () => {
  it("names the API's fields and leaves out what was not asked", () => {
    expect(requestLogFilter({ method: ["get"], host: ["a.test"], path: "/api" }, 0)).toEqual({
      methods: ["GET"],
      hosts: ["a.test"],
      pathPrefix: "/api",
    });
    expect(requestLogFilter({}, 0)).toEqual({});
    expect(requestLogFilter({ requestId: ["req_1", "req_2"] }, 0)).toEqual({
      requestIds: ["req_1", "req_2"],
    });
  });
});
