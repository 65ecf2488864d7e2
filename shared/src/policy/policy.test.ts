import { policyToJSON, type Policy as SdkPolicy } from "@unkey/api/models/components";
import { describe, expect, it } from "vitest";
import {
  applyPolicyUpdate,
  type PolicyInput,
  policySchema,
  setPoliciesBodySchema,
  updatePolicyBodySchema,
} from "./policy.js";

// Type-level: everything the SDK can send is an input our schema is written for.
const sdkPolicy: SdkPolicy = {
  name: "n",
  enabled: true,
  firewall: { action: "ACTION_DENY" },
};
const _assignable: PolicyInput = sdkPolicy;

const env = { project: "payments", app: "api", environment: "production" };
const deny = { firewall: { action: "ACTION_DENY" } } as const;

describe("policySchema", () => {
  const valid: [string, unknown][] = [
    [
      "firewall on a path prefix",
      { name: "a", enabled: true, match: [{ path: { path: { prefix: "/admin" } } }], ...deny },
    ],
    [
      "keyauth with every location",
      {
        name: "k",
        enabled: true,
        keyauth: {
          keyspaces: ["ks_1"],
          locations: [
            { bearer: {} },
            { header: { name: "X-Api-Key", stripPrefix: "Key " } },
            { queryParam: { name: "api_key" } },
          ],
          permissionQuery: "documents.read AND documents.write",
          ratelimits: [
            { name: "requests", limit: 10, duration: 60_000, cost: 2 },
            { name: "stored" },
          ],
          credits: 0,
        },
      },
    ],
    [
      "ratelimit with compound identifiers",
      {
        name: "r",
        enabled: false,
        ratelimit: {
          limit: 100,
          windowMs: 60_000,
          identifiers: [
            { authenticatedSubject: {} },
            { path: {} },
            { principalField: { path: "meta.tenant" } },
          ],
        },
      },
    ],
    [
      "header regex and query presence",
      {
        name: "h",
        enabled: true,
        match: [
          { header: { name: "user-agent", value: { regex: "^curl/[0-9.]+$", ignoreCase: true } } },
          { queryParam: { name: "debug", present: true } },
          { method: { methods: ["POST", "PUT"] } },
        ],
        ...deny,
      },
    ],
    ["openapi", { name: "o", enabled: true, openapi: {} }],
    ["logging with defaults", { name: "l", enabled: true, logging: { requestBody: true } }],
  ];
  it.each(valid)("accepts %s", (_, input) => {
    expect(policySchema.safeParse(input).error).toBeUndefined();
  });

  const invalid: [string, unknown, RegExp][] = [
    ["no rule", { name: "a", enabled: true }, /exactly one of/],
    [
      "two rules",
      { name: "a", enabled: true, openapi: {}, ...deny },
      /got ratelimit|got firewall, openapi/,
    ],
    [
      "string match with two modes",
      {
        name: "a",
        enabled: true,
        match: [{ path: { path: { exact: "/a", prefix: "/a" } } }],
        ...deny,
      },
      /exactly one of `exact`/,
    ],
    [
      "match expression with two kinds",
      {
        name: "a",
        enabled: true,
        match: [{ path: { path: { exact: "/a" } }, method: { methods: ["GET"] } }],
        ...deny,
      },
      /match expression/,
    ],
    [
      "backreference (RE2 rejects)",
      { name: "a", enabled: true, match: [{ path: { path: { regex: "^(a)\\1$" } } }], ...deny },
      /invalid RE2 regex/,
    ],
    [
      "lookahead (RE2 rejects)",
      { name: "a", enabled: true, match: [{ path: { path: { regex: "^(?=admin)" } } }], ...deny },
      /invalid RE2 regex/,
    ],
    [
      "repeat count over 1000",
      { name: "a", enabled: true, match: [{ path: { path: { regex: "a{1001}" } } }], ...deny },
      /invalid RE2 regex/,
    ],
    [
      "huge program",
      {
        name: "a",
        enabled: true,
        match: [{ path: { path: { regex: "(a{1000}){1000}" } } }],
        ...deny,
      },
      /invalid RE2 regex/,
    ],
    [
      "field match with present and value",
      {
        name: "a",
        enabled: true,
        match: [{ header: { name: "x", present: true, value: { exact: "1" } } }],
        ...deny,
      },
      /field match/,
    ],
    [
      "header name with a space",
      { name: "a", enabled: true, match: [{ header: { name: "x y", present: true } }], ...deny },
      /field name/,
    ],
    [
      "control character in a prefix",
      { name: "a", enabled: true, match: [{ path: { path: { prefix: "/a\u0000" } } }], ...deny },
      /control characters/,
    ],
    ["unknown field", { name: "a", enabled: true, firewal: {}, ...deny }, /Unrecognized key/],
    [
      "ratelimit with both identifier forms",
      {
        name: "r",
        enabled: true,
        ratelimit: {
          limit: 1,
          windowMs: 1000,
          identifier: { remoteIp: {} },
          identifiers: [{ path: {} }],
        },
      },
      /exactly one of `identifiers`/,
    ],
    [
      "ratelimit with six identifiers",
      {
        name: "r",
        enabled: true,
        ratelimit: { limit: 1, windowMs: 1000, identifiers: Array(6).fill({ path: {} }) },
      },
      /Too big|at most/i,
    ],
    [
      "key ratelimit with limit only",
      {
        name: "k",
        enabled: true,
        keyauth: { keyspaces: ["ks"], ratelimits: [{ name: "x", limit: 5 }] },
      },
      /set together/,
    ],
    [
      "keyauth without keyspaces",
      { name: "k", enabled: true, keyauth: { keyspaces: [] } },
      /Too small|at least/i,
    ],
    [
      "negative credits",
      { name: "k", enabled: true, keyauth: { keyspaces: ["ks"], credits: -1 } },
      /Too small|>=0/i,
    ],
    [
      "unknown method",
      { name: "a", enabled: true, match: [{ method: { methods: ["TRACE"] } }], ...deny },
      /Invalid option|expected/i,
    ],
    [
      "unknown firewall action",
      { name: "a", enabled: true, firewall: { action: "ALLOW" } },
      /Invalid option|expected/i,
    ],
  ];
  it.each(invalid)("rejects %s", (_, input, message) => {
    const result = policySchema.safeParse(input);
    expect(result.success).toBe(false);
    expect(JSON.stringify(result.error?.issues)).toMatch(message);
  });

  it("reads the deprecated one-source identifier as identifiers", () => {
    const parsed = policySchema.parse({
      name: "r",
      enabled: true,
      ratelimit: { limit: 5, windowMs: 1000, identifier: { header: { name: "x-tenant" } } },
    });
    expect(parsed.ratelimit).toEqual({
      limit: 5,
      windowMs: 1000,
      identifiers: [{ header: { name: "x-tenant" } }],
    });
  });

  it("parses what the SDK serialises", () => {
    const wire = JSON.parse(
      policyToJSON({
        name: "keys",
        enabled: true,
        match: [{ path: { path: { prefix: "/v1" } } }],
        keyauth: { keyspaces: ["ks_1"], locations: [{ header: { name: "x-key" } }] },
      }),
    );
    expect(policySchema.parse(wire).keyauth?.locations).toEqual([{ header: { name: "x-key" } }]);
  });
});

describe("setPoliciesBodySchema", () => {
  it("accepts 50 policies and rejects 51", () => {
    const policy = { name: "a", enabled: true, ...deny };
    expect(
      setPoliciesBodySchema.safeParse({ ...env, policies: Array(50).fill(policy) }).success,
    ).toBe(true);
    expect(
      setPoliciesBodySchema.safeParse({ ...env, policies: Array(51).fill(policy) }).success,
    ).toBe(false);
  });
  it("rejects the whole list when one policy is invalid", () => {
    const result = setPoliciesBodySchema.safeParse({
      ...env,
      policies: [
        { name: "a", enabled: true, ...deny },
        { name: "b", enabled: true },
      ],
    });
    expect(result.error?.issues[0]?.path).toEqual(["policies", 1]);
  });
});

describe("updatePolicyBodySchema and applyPolicyUpdate", () => {
  const stored = {
    id: "pol_1",
    name: "fw",
    enabled: true,
    match: [{ path: { path: { prefix: "/a" } } }],
    ...deny,
  };
  it("needs at least one field and at most one rule", () => {
    expect(updatePolicyBodySchema.safeParse({ ...env, policyId: "pol_1" }).success).toBe(false);
    expect(
      updatePolicyBodySchema.safeParse({ ...env, policyId: "pol_1", openapi: {}, ...deny }).success,
    ).toBe(false);
    expect(
      updatePolicyBodySchema.safeParse({ ...env, policyId: "pol_1", enabled: false }).success,
    ).toBe(true);
  });
  it("keeps the id, replaces the rule (switching type) and removes match on null", () => {
    const update = updatePolicyBodySchema.parse({
      ...env,
      policyId: "pol_1",
      match: null,
      openapi: {},
    });
    expect(applyPolicyUpdate(stored, update)).toEqual({
      id: "pol_1",
      name: "fw",
      enabled: true,
      openapi: {},
    });
  });
  it("keeps rule and match when only the name changes", () => {
    const update = updatePolicyBodySchema.parse({ ...env, policyId: "pol_1", name: "renamed" });
    expect(applyPolicyUpdate(stored, update)).toEqual({ ...stored, name: "renamed" });
  });
});
