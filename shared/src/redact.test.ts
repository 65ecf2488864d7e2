import { describe, expect, it } from "vitest";
import { makeRedactor } from "./redact.js";

describe("makeRedactor", () => {
  it("masks every occurrence of each secret value, the longer value first", () => {
    const redact = makeRedactor(["s3cr3t-token", "s3cr3t"]);
    expect(redact("token=s3cr3t-token and again s3cr3t-token; short s3cr3t")).toBe(
      "token=*** and again ***; short ***",
    );
  });

  it("masks each line of a multi-line value, and the value whole", () => {
    const redact = makeRedactor(["line-one\nline-two", "line-three\r\nok"]);
    expect(redact("got line-two")).toBe("got ***");
    expect(redact("key: line-one\nline-two.")).toBe("key: ***.");
    expect(redact("line-three")).toBe("***");
    // Too short to mask without mangling ordinary words.
    expect(redact("ok")).toBe("ok");
  });

  it("leaves text alone when there is nothing long enough to mask", () => {
    const redact = makeRedactor(["1", "no", "abc"]);
    expect(redact("step 1 of 2: no cache, abc")).toBe("step 1 of 2: no cache, abc");
  });

  it("masks the value printed base64-, hex- or URL-encoded, also inside a longer base64 text", () => {
    const secret = "hunter2-pa55/word+x";
    const redact = makeRedactor([secret]);
    const shown = [
      Buffer.from(secret).toString("base64"),
      Buffer.from(secret).toString("base64url"),
      Buffer.from(secret).toString("hex"),
      Buffer.from(secret).toString("hex").toUpperCase(),
      encodeURIComponent(secret),
    ];
    for (const encoded of shown) expect(redact(`value: ${encoded}`)).toBe("value: ***");
    // A basic-auth header, or the value after one or two other bytes: whatever alignment it has,
    // the characters that come from the secret alone are masked.
    for (const prefix of ["user:", "ab:", "a:"]) {
      const encoded = Buffer.from(`${prefix}${secret}`).toString("base64");
      const masked = redact(`Authorization: Basic ${encoded}`);
      expect(masked).toContain("***");
      expect(masked.length).toBeLessThan(`Authorization: Basic ${encoded}`.length - 15);
    }
  });
});
