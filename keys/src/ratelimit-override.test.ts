import { describe, expect, it } from "vitest";
import {
  compileOverrides,
  matchOverride,
  type RatelimitOverrideRule,
} from "./ratelimit-override.js";

const rule = (id: string, identifier: string): RatelimitOverrideRule => ({
  id,
  identifier,
  limit: 1,
  duration: 1000,
});

describe("ratelimit override matching", () => {
  const rules = [
    rule("rlor_star", "*"),
    rule("rlor_user", "user_*"),
    rule("rlor_user_acme", "user_*@acme.com"),
    rule("rlor_exact", "user_1@acme.com"),
    rule("rlor_mid", "*_1*"),
  ];

  it.each([
    ["user_1@acme.com", "rlor_exact"],
    ["user_2@acme.com", "rlor_user_acme"],
    ["user_2@other.com", "rlor_user"],
    ["x_1y", "rlor_mid"],
    ["nobody", "rlor_star"],
  ])("%s uses %s", (identifier, expected) => {
    expect(matchOverride(compileOverrides(rules), identifier)?.id).toBe(expected);
  });

  it("picks the same rule whatever order the rules are stored in", () => {
    const tied = [rule("rlor_b", "a*c"), rule("rlor_a", "*ac"), rule("rlor_c", "ac*")];
    const picks = new Set<string | undefined>();
    for (const order of [tied, [...tied].reverse(), [tied[1]!, tied[2]!, tied[0]!]]) {
      picks.add(matchOverride(compileOverrides(order), "ac")?.id);
    }
    expect(picks).toEqual(new Set(["rlor_a"]));
  });

  it("anchors patterns at both ends and matches nothing when nothing fits", () => {
    const table = compileOverrides([rule("rlor_1", "user_*")]);
    expect(matchOverride(table, "xuser_1")).toBeUndefined();
    expect(matchOverride(compileOverrides([]), "user_1")).toBeUndefined();
  });
});
