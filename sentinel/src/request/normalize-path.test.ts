import { describe, expect, it } from "vitest";
import { normalizeTarget } from "./normalize-path.js";

describe("normalizeTarget", () => {
  const cases: [string, string, string, string][] = [
    // target, decoded (matchers), forwarded (upstream), query
    ["/admin", "/admin", "/admin", ""],
    ["/%61dmin", "/admin", "/admin", ""],
    ["/%41DMIN", "/ADMIN", "/ADMIN", ""],
    ["//admin", "/admin", "/admin", ""],
    ["///admin//users", "/admin/users", "/admin/users", ""],
    ["/x/../admin", "/admin", "/admin", ""],
    ["/x/%2e%2e/admin", "/admin", "/admin", ""],
    ["/x/%2E%2E/admin", "/admin", "/admin", ""],
    ["/./admin", "/admin", "/admin", ""],
    ["/../../admin", "/admin", "/admin", ""],
    ["/admin/.", "/admin/", "/admin/", ""],
    ["/admin/x/..", "/admin/", "/admin/", ""],
    ["/admin%2fsecret", "/admin/secret", "/admin%2Fsecret", ""],
    ["/a%20b?x=1&x=2", "/a b", "/a%20b", "x=1&x=2"],
    ["/search?q=%2e%2e", "/search", "/search", "q=%2e%2e"],
    ["/", "/", "/", ""],
    ["http://example.com/admin?y", "/admin", "/admin", "y"],
    ["http://example.com", "/", "/", ""],
    ["/caf%C3%A9", "/café", "/caf%C3%A9", ""],
  ];
  it.each(cases)("%s", (target, decoded, forwarded, query) => {
    expect(normalizeTarget(target)).toEqual({ decoded, forwarded, query });
  });

  const problems: [string, string][] = [
    ["/admin%zz", "invalid_encoding"],
    ["/admin%", "invalid_encoding"],
    ["/%C3", "invalid_encoding"],
    ["/a%00b", "control_character"],
    ["/a%0d%0aX-Injected: 1", "control_character"],
    ["*", "invalid_target"],
    ["admin", "invalid_target"],
    [`/${"a".repeat(9000)}`, "too_long"],
  ];
  it.each(problems)("%s is %s", (target, problem) => {
    expect(normalizeTarget(target)).toBe(problem);
  });
});
