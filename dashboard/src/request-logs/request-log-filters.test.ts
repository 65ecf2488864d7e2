import { describe, expect, it } from "vitest";
import { emptyFilterForm, requestLogFilters } from "./request-log-filters";

describe("requestLogFilters", () => {
  it("turns codes, classes and comma lists into the API's filters", () => {
    const result = requestLogFilters({
      ...emptyFilterForm,
      status: "404, 5XX",
      method: "get,post",
      host: "shop.example",
      path: "/api",
      region: "eu-1",
    });
    expect(result).toEqual({
      errors: [],
      filters: {
        status: [404, "5xx"],
        methods: ["GET", "POST"],
        hosts: ["shop.example"],
        pathPrefix: "/api",
        regions: ["eu-1"],
      },
    });
  });

  it("names what is wrong instead of sending it", () => {
    const result = requestLogFilters({
      ...emptyFilterForm,
      status: "700, abc",
      method: "GET/",
      path: "api",
      since: "2026-01-02T10:00",
      until: "2026-01-01T10:00",
    });
    expect(result.errors).toEqual([
      'status "700" is not a code (404) or a class (5xx)',
      'status "abc" is not a code (404) or a class (5xx)',
      'method "GET/" is not an HTTP method',
      "path must start with /",
      "since must be before until",
    ]);
  });

  it("sends no filter for an empty form", () => {
    expect(requestLogFilters(emptyFilterForm)).toEqual({ errors: [], filters: {} });
  });
});
