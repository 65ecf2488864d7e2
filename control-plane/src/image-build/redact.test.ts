import { describe, expect, it } from "vitest";
import { makeRedactor } from "./redact.js";

describe("makeRedactor", () => {
  it("masks every occurrence of each secret value, the longer value first", () => {
    const redact = makeRedactor(["s3cr3t-token", "s3cr3t"]);
    expect(redact("token=s3cr3t-token and again s3cr3t-token; short s3cr3t")).toBe(
      "token=[redacted] and again [redacted]; short [redacted]",
    );
  });

  it("leaves lines alone when there is nothing long enough to mask", () => {
    const redact = makeRedactor(["1", "no"]);
    expect(redact("step 1 of 2: no cache")).toBe("step 1 of 2: no cache");
  });
});
