import { describe, expect, it } from "vitest";
import { apiErrorDetails } from "./api-errors.js";

describe("apiErrorDetails", () => {
  it("reads the API's envelope: detail, title, request id, field problems", () => {
    const body = JSON.stringify({
      meta: { requestId: "req_1" },
      error: {
        title: "Bad Request",
        detail: "Invalid body",
        status: 400,
        errors: [{ location: "body.slug", message: "must be a DNS label" }],
      },
    });
    expect(apiErrorDetails(400, body)).toEqual({
      status: 400,
      title: "Bad Request",
      detail: "Invalid body",
      requestId: "req_1",
      problems: ["body.slug: must be a DNS label"],
    });
  });

  it("falls back to the status and the x-request-id header for a body that is not the envelope", () => {
    expect(apiErrorDetails(502, "<html>Bad gateway</html>", "req_2")).toEqual({
      status: 502,
      detail: "The API answered HTTP 502.",
      requestId: "req_2",
    });
  });
});
