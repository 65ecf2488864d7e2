import { BuildError } from "@slipway/shared";
import { describe, expect, it } from "vitest";
import { makeEnvFile, makeSecretPlan } from "./secrets.js";

describe("makeSecretPlan", () => {
  it("names variables in argv and keeps values in the child environment only", () => {
    const plan = makeSecretPlan({ NPM_TOKEN: "npm_abcdef", DATABASE_URL: "postgres://u:p@db/x" });
    expect(plan.args).toEqual([
      "--secret",
      "id=DATABASE_URL,env=SLIPWAY_SECRET_0",
      "--secret",
      "id=NPM_TOKEN,env=SLIPWAY_SECRET_1",
      "--secret",
      "id=slipway.env,env=SLIPWAY_SECRET_ENV_FILE",
    ]);
    expect(plan.args.join(" ")).not.toContain("npm_abcdef");
    expect(plan.childEnv).toEqual({
      SLIPWAY_SECRET_0: "postgres://u:p@db/x",
      SLIPWAY_SECRET_1: "npm_abcdef",
      SLIPWAY_SECRET_ENV_FILE: "DATABASE_URL='postgres://u:p@db/x'\nNPM_TOKEN='npm_abcdef'\n",
    });
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
    expect(plan.args).toEqual(["--secret", "id=slipway.env,env=SLIPWAY_SECRET_ENV_FILE"]);
    expect(plan.childEnv).toEqual({ SLIPWAY_SECRET_ENV_FILE: "" });
  });
});
