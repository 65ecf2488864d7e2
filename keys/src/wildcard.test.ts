import { describe, expect, it } from "vitest";
import { compileWildcard, wildcardMatches } from "./wildcard.js";

const matches = (pattern: string, subject: string) =>
  wildcardMatches(compileWildcard(pattern), subject);

describe("anchored wildcard patterns", () => {
  it.each([
    ["user_*", "user_1", true],
    ["user_*", "user_", true],
    ["user_*", "xuser_1", false],
    ["*@acme.com", "bob@acme.com", true],
    ["*@acme.com", "bob@acme.com.evil", false],
    ["a*b*c", "abc", true],
    ["a*b*c", "aXbYc", true],
    ["a*b*c", "acb", false],
    ["ab*ba", "aba", false],
    ["*", "", true],
    ["**", "x", true],
    ["exact", "exact", true],
    ["exact", "exactly", false],
    ["documents.*", "documents.read", true],
    ["documents.*", "documents", false],
  ])("%s against %s is %s", (pattern, subject, expected) => {
    expect(matches(pattern, subject)).toBe(expected);
  });

  it("stays fast on patterns that make backtracking matchers explode", () => {
    const pattern = `${"a*".repeat(100)}b`;
    const subject = "a".repeat(10_000);
    const started = performance.now();
    expect(matches(pattern, subject)).toBe(false);
    expect(performance.now() - started).toBeLessThan(50);
  });
});
