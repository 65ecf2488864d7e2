import {
  policySchema,
  policyKinds as schemaKinds,
  matchMethods as schemaMethods,
} from "@slipway/shared/policy";
import { describe, expect, it } from "vitest";
import { draftFromPolicy, emptyDraft, matchMethods, policyFromDraft } from "./policy-draft";
import { patternProblem, policyProblems } from "./policy-problems";
import { policyKinds } from "./policy-summary";

const stored = [
  {
    id: "pol_1",
    name: "no admin",
    enabled: true,
    match: [
      { path: { path: { regex: "^/admin(/|$)", ignoreCase: true } } },
      { method: { methods: ["POST", "DELETE"] } },
      { header: { name: "x-debug", present: true } },
      { queryParam: { name: "token", value: { prefix: "tk_" } } },
    ],
    firewall: { action: "ACTION_DENY" },
  },
  {
    id: "pol_2",
    name: "per tenant",
    enabled: false,
    ratelimit: {
      limit: 10,
      windowMs: 60_000,
      identifiers: [
        { header: { name: "x-tenant" } },
        { principalField: { path: "meta.plan" } },
        { remoteIp: {} },
      ],
    },
  },
  {
    id: "pol_3",
    name: "keys",
    enabled: true,
    keyauth: {
      keyspaces: ["ks_1", "ks_2"],
      locations: [
        { header: { name: "x-api-key", stripPrefix: "Key " } },
        { queryParam: { name: "key" } },
        { bearer: {} },
      ],
      permissionQuery: "api.read",
      credits: 0,
      ratelimits: [{ name: "requests", limit: 5, duration: 1000, cost: 2 }, { name: "burst" }],
    },
  },
  { id: "pol_4", name: "spec", enabled: true, openapi: {} },
  {
    id: "pol_5",
    name: "capture",
    enabled: true,
    logging: {
      requestHeaders: true,
      responseHeaders: false,
      requestBody: true,
      responseBody: false,
      query: true,
    },
  },
] as const;

describe("the policy editor's draft", () => {
  it("round-trips every policy kind the API stores, and the schema accepts the result", () => {
    for (const policy of stored) {
      const { id: _id, ...expected } = policy;
      const edited = policyFromDraft(draftFromPolicy(policy as never));
      expect(edited).toEqual(expected);
      expect(policySchema.safeParse(edited).success).toBe(true);
      expect(policyProblems(edited)).toEqual([]);
    }
  });

  it("reports what the server would refuse: no name, a bad number, an RE2-invalid regex", () => {
    const draft = emptyDraft();
    draft.kind = "ratelimit";
    draft.ratelimit.limit = "ten";
    draft.match = [
      {
        target: "path",
        name: "",
        mode: "regex",
        value: "(?=lookahead)",
        ignoreCase: false,
        methods: [],
      },
    ];
    const problems = policyProblems(policyFromDraft(draft)).join("\n");
    expect(problems).toMatch(/^name: /m);
    expect(problems).toMatch(/ratelimit\.limit/);
    expect(problems).toMatch(/invalid RE2 regex/);
    expect(patternProblem("(?=lookahead)")).toBeDefined();
    expect(patternProblem("^/admin")).toBeUndefined();
    expect(patternProblem("")).toBe("a regex is required");
  });

  it("lists the schema's rule kinds and methods without loading the schema", () => {
    expect([...policyKinds].sort()).toEqual([...schemaKinds].sort());
    expect(matchMethods).toEqual(schemaMethods);
  });
});
