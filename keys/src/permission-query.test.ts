import { describe, expect, it } from "vitest";
import { isValidPermissionName } from "./permission-name.js";
import {
  evaluatePermissionQuery,
  grantPermissions,
  type PermissionQuery,
  PermissionQueryError,
  parsePermissionQuery,
} from "./permission-query.js";

const name = (value: string): PermissionQuery => ({ kind: "permission", name: value });

describe("permission query parser", () => {
  it.each<[string, PermissionQuery]>([
    ["documents.read", name("documents.read")],
    ["a AND b", { kind: "and", operands: [name("a"), name("b")] }],
    // AND binds tighter than OR.
    [
      "a OR b AND c",
      { kind: "or", operands: [name("a"), { kind: "and", operands: [name("b"), name("c")] }] },
    ],
    [
      "a AND b OR c",
      { kind: "or", operands: [{ kind: "and", operands: [name("a"), name("b")] }, name("c")] },
    ],
    [
      "(a OR b) AND c",
      { kind: "and", operands: [{ kind: "or", operands: [name("a"), name("b")] }, name("c")] },
    ],
    // Operators are case-insensitive whole words; a name that starts with one is still a name.
    [
      "a and b Or c",
      { kind: "or", operands: [{ kind: "and", operands: [name("a"), name("b")] }, name("c")] },
    ],
    ["android", name("android")],
    ["android AND oracle", { kind: "and", operands: [name("android"), name("oracle")] }],
    ["ORDERS.read or ANDes", { kind: "or", operands: [name("ORDERS.read"), name("ANDes")] }],
    ["((a))", name("a")],
    ["  api.*.read_key  ", name("api.*.read_key")],
    ["a-b:c_d.e", name("a-b:c_d.e")],
  ])("%s", (query, expected) => {
    expect(parsePermissionQuery(query)).toEqual(expected);
  });

  it.each([
    ["a AND", /expected a permission name or '\(' but found the end of the query/],
    ["()", /expected a permission name or '\(' but found '\)'/],
    ["(a", /expected '\)' but found the end of the query/],
    ["a)", /expected AND, OR or the end of the query but found '\)'/],
    ["a & b", /unexpected character '&' at position 2/],
    ["a b", /expected AND, OR or the end of the query but found 'b'/],
    ["AND a", /found AND/],
    ["a OR OR b", /found OR/],
    ["", /found the end of the query/],
    ["   ", /found the end of the query/],
    ["a\u0000", /unexpected character/],
    ["é", /unexpected character/],
    [`${"a".repeat(501)} OR ${"b".repeat(496)}`, /at most 1000 characters/],
    ["a".repeat(513), /at most 512 characters/],
  ])("refuses %j", (query, message) => {
    expect(() => parsePermissionQuery(query)).toThrow(PermissionQueryError);
    expect(() => parsePermissionQuery(query)).toThrow(message);
  });

  it("accepts exactly 1000 characters and deep nesting within them", () => {
    const deep = `${"(".repeat(499)}a${")".repeat(499)}`;
    expect(deep.length).toBe(999);
    expect(parsePermissionQuery(deep)).toEqual(name("a"));
    expect(() => parsePermissionQuery(`${"x".repeat(500)} OR ${"y".repeat(496)}`)).not.toThrow();
  });
});

describe("permission query evaluation", () => {
  const holds = (query: string, granted: string[]) =>
    evaluatePermissionQuery(parsePermissionQuery(query), grantPermissions(granted));

  it.each<[string, string[], boolean]>([
    ["a", ["a"], true],
    ["a", ["b"], false],
    ["a AND b", ["a"], false],
    ["a OR b AND c", ["a"], true],
    ["a OR b AND c", ["b"], false],
    ["a OR b AND c", ["b", "c"], true],
    ["(a OR b) AND c", ["a"], false],
    // `*` in a granted permission grants what it matches, anchored at both ends.
    ["documents.read", ["documents.*"], true],
    ["documents.read AND documents.write", ["documents.*"], true],
    ["documents", ["documents.*"], false],
    ["mydocuments.read", ["documents.*"], false],
    ["api.api_1.read_key", ["api.*.read_key"], true],
    ["api.api_1.create_key", ["api.*.read_key"], false],
    ["anything.at.all", ["*"], true],
    // A `*` in the query is a name like any other: only a grant that matches it grants it.
    ["documents.*", ["documents.read"], false],
    ["documents.*", ["documents.*"], true],
  ])("%s with %j is %s", (query, granted, expected) => {
    expect(holds(query, granted)).toBe(expected);
  });
});

describe("permission names", () => {
  it.each([
    ["documents.read", true],
    ["api.*.verify_key", true],
    ["a:b-c", true],
    ["with space", false],
    ["slash/name", false],
    ["", false],
    ["a".repeat(512), true],
    ["a".repeat(513), false],
  ])("%j is valid: %s", (value, expected) => {
    expect(isValidPermissionName(value)).toBe(expected);
  });
});
