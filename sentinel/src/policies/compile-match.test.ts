import { type MatchExpr, matchExprSchema } from "@slipway/shared/policy";
import { describe, expect, it } from "vitest";
import { parseQuery, type RequestView } from "../request/request-view.js";
import { compileMatch } from "./compile-match.js";

function view(overrides: Partial<RequestView> = {}): RequestView {
  return {
    method: "GET",
    path: "/admin/users",
    headers: { "x-tenant": ["acme", "globex"], "user-agent": ["curl/8.5.0"] },
    query: parseQuery("tag=a&tag=b&debug"),
    clientIp: "203.0.113.7",
    ...overrides,
  };
}

const expr = (input: unknown) => matchExprSchema.parse(input) as MatchExpr;

describe("compileMatch", () => {
  const cases: [string, unknown[], Partial<RequestView>, boolean][] = [
    ["no expressions", [], {}, true],
    ["path prefix", [{ path: { path: { prefix: "/admin" } } }], {}, true],
    [
      "path prefix, other path",
      [{ path: { path: { prefix: "/admin" } } }],
      { path: "/public" },
      false,
    ],
    ["path exact is case-sensitive", [{ path: { path: { exact: "/ADMIN/users" } } }], {}, false],
    [
      "path exact ignoreCase",
      [{ path: { path: { exact: "/ADMIN/users", ignoreCase: true } } }],
      {},
      true,
    ],
    [
      "path prefix ignoreCase",
      [{ path: { path: { prefix: "/ADMIN", ignoreCase: true } } }],
      {},
      true,
    ],
    ["path regex is unanchored", [{ path: { path: { regex: "users" } } }], {}, true],
    ["path regex anchored", [{ path: { path: { regex: "^/users" } } }], {}, false],
    [
      "path regex ignoreCase",
      [{ path: { path: { regex: "^/ADMIN/", ignoreCase: true } } }],
      {},
      true,
    ],
    ["method listed", [{ method: { methods: ["POST", "GET"] } }], {}, true],
    ["method not listed", [{ method: { methods: ["POST"] } }], {}, false],
    ["header present", [{ header: { name: "X-Tenant", present: true } }], {}, true],
    ["header absent", [{ header: { name: "x-missing", present: true } }], {}, false],
    [
      "second value of a repeated header",
      [{ header: { name: "x-tenant", value: { exact: "globex" } } }],
      {},
      true,
    ],
    ["header value case", [{ header: { name: "x-tenant", value: { exact: "ACME" } } }], {}, false],
    ["header regex", [{ header: { name: "user-agent", value: { regex: "^curl/" } } }], {}, true],
    ["query present without value", [{ queryParam: { name: "debug", present: true } }], {}, true],
    [
      "second value of a repeated query param",
      [{ queryParam: { name: "tag", value: { exact: "b" } } }],
      {},
      true,
    ],
    ["query name is case-sensitive", [{ queryParam: { name: "TAG", present: true } }], {}, false],
    [
      "ANDed: all match",
      [{ path: { path: { prefix: "/admin" } } }, { method: { methods: ["GET"] } }],
      {},
      true,
    ],
    [
      "ANDed: one fails",
      [{ path: { path: { prefix: "/admin" } } }, { method: { methods: ["POST"] } }],
      {},
      false,
    ],
  ];
  it.each(cases)("%s", (_, match, overrides, expected) => {
    expect(compileMatch(match.map(expr))(view(overrides))).toBe(expected);
  });

  it("runs a pattern that backtracks catastrophically in JavaScript in linear time", () => {
    const matcher = compileMatch([expr({ path: { path: { regex: "^(a+)+$" } } })]);
    const started = performance.now();
    expect(matcher(view({ path: `${"a".repeat(8000)}!` }))).toBe(false);
    expect(performance.now() - started).toBeLessThan(500);
  });
});
