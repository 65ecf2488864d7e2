import { describe, expect, it } from "vitest";
import { isSlug, slugPattern, slugPatternSql } from "./slug.js";

describe("slugs are DNS labels", () => {
  it.each(["a", "api", "my-app-2", "0day", "a".repeat(63)])("accepts %s", (slug) => {
    expect(isSlug(slug)).toBe(true);
  });

  it.each(["", "-api", "api-", "My-App", "my_app", "a.b", "a".repeat(64), "ünï"])(
    "rejects %j",
    (slug) => {
      expect(isSlug(slug)).toBe(false);
    },
  );

  it("uses one rule for the API and the database", () => {
    expect(slugPattern.source).toBe(slugPatternSql);
  });
});
