import { BuildError } from "@slipway/shared";
import { describe, expect, it } from "vitest";
import {
  MAX_SECRET_BYTES,
  makeEnvFile,
  makeEnvFileWithinLimit,
  makeSecretPlan,
} from "./secrets.js";

describe("makeSecretPlan", () => {
  it("names variables and descriptors in argv; the values go to descriptors 3, 4, … in order", () => {
    const plan = makeSecretPlan({ NPM_TOKEN: "npm_abcdef", DATABASE_URL: "postgres://u:p@db/x" });
    expect(plan.args).toEqual([
      "--secret",
      "id=DATABASE_URL,src=/dev/fd/3",
      "--secret",
      "id=NPM_TOKEN,src=/dev/fd/4",
      "--secret",
      "id=slipway.env,src=/dev/fd/5",
    ]);
    expect(plan.args.join(" ")).not.toContain("npm_abcdef");
    expect(plan.contents).toEqual([
      "postgres://u:p@db/x",
      "npm_abcdef",
      "DATABASE_URL='postgres://u:p@db/x'\nNPM_TOKEN='npm_abcdef'\n",
    ]);
  });

  it("refuses a value over BuildKit's 500 KiB secret limit, naming the variable", () => {
    expect(() => makeSecretPlan({ HUGE: "x".repeat(MAX_SECRET_BYTES + 1) })).toThrow(
      /HUGE is larger than BuildKit's secret limit/,
    );
  });

  it("an env file over the limit fails when sourced, saying to mount variables by name", () => {
    const big: Array<[string, string]> = Array.from({ length: 10 }, (_, i) => [
      `V${i}`,
      "x".repeat(64 * 1024),
    ]);
    const file = makeEnvFileWithinLimit(big);
    expect(file).toMatch(
      /^echo 'slipway: the environment variables \(641 KiB\) are over the 500 KiB limit/,
    );
    expect(file).toContain("RUN --mount=type=secret,id=NAME");
    expect(file).toContain("return 1");
    expect(makeEnvFileWithinLimit(big.slice(0, 7))).toBe(makeEnvFile(big.slice(0, 7)));
  });

  it("rejects a variable name BuildKit or a shell could not use", () => {
    expect(() => makeSecretPlan({ "BAD-NAME": "x" })).toThrow(BuildError);
    expect(() => makeSecretPlan({ "1ST": "x" })).toThrow(/not valid/);
  });

  it("redacts every value, longest first, and each line of a multi-line value", () => {
    const plan = makeSecretPlan({
      A: "secret-value",
      B: "secret-value-longer",
      PEM: "line-one\nline-two",
      S: "ab",
    });
    expect(plan.redact("x secret-value-longer y secret-value z")).toBe("x *** y *** z");
    expect(plan.redact("got line-two")).toBe("got ***");
    // Too short to redact without mangling ordinary words.
    expect(plan.redact("about")).toBe("about");
  });

  it("quotes the env file as sh does, so it can be sourced", () => {
    expect(makeEnvFile([["Q", "it's"]])).toBe("Q='it'\\''s'\n");
  });

  it("always provides the env-file secret, empty without variables", () => {
    const plan = makeSecretPlan({});
    expect(plan.args).toEqual(["--secret", "id=slipway.env,src=/dev/fd/3"]);
    expect(plan.contents).toEqual([""]);
  });
});
