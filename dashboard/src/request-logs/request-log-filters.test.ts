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
      'status "700" is not a code (404), a range (500-503) or a class (5xx)',
      'status "abc" is not a code (404), a range (500-503) or a class (5xx)',
      'method "GET/" is not an HTTP method',
      "path must start with /",
      "since must be before until",
    ]);
  });

  it("turns status ranges into whole classes and single codes, bounded", () => {
    const statuses = (status: string) => requestLogFilters({ ...emptyFilterForm, status });
    expect(statuses("400-599").filters.status).toEqual(["4xx", "5xx"]);
    expect(statuses("498 - 501, 500").filters.status).toEqual([498, 499, 500, 501]);
    expect(statuses("200-229").errors).toEqual([
      "status: at most 20 codes and classes; a range that spans a whole class counts as one (400-499)",
    ]);
    expect(statuses("503-500").errors).toHaveLength(1);
  });

  it("looks requests up by Sentinel's request id", () => {
    expect(requestLogFilters({ ...emptyFilterForm, requestId: "req_1, req_2" }).filters).toEqual({
      requestIds: ["req_1", "req_2"],
    });
  });

  it("sends no filter for an empty form", () => {
    expect(requestLogFilters(emptyFilterForm)).toEqual({ errors: [], filters: {} });
  });
});
