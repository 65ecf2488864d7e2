import type { KeyVerification, KeyVerificationRequest, KeyVerifier } from "@slipway/shared/gateway";
import { policySchema, type StoredPolicy } from "@slipway/shared/policy";
import { describe, expect, it } from "vitest";
import { normalizeTarget } from "../request/normalize-path.js";
import { parseQuery, type RequestView } from "../request/request-view.js";
import { compilePolicies, rateLimitNamespace } from "./compile-policy.js";
import { evaluatePolicies } from "./evaluate-policies.js";
import { extractKey } from "./extract-key.js";
import { MemoryRateLimiter } from "./memory-rate-limiter.js";
import { ratelimitIdentifier } from "./ratelimit-identifier.js";

let nextId = 0;
const stored = (input: unknown): StoredPolicy => ({
  id: `pol_${++nextId}`,
  ...policySchema.parse(input),
});

function requestAt(
  target: string,
  headers: Record<string, string[]> = {},
  method = "GET",
): RequestView {
  const normalized = normalizeTarget(target);
  if (typeof normalized === "string") throw new Error(normalized);
  return {
    method,
    path: normalized.decoded,
    headers,
    query: parseQuery(normalized.query),
    clientIp: "203.0.113.7",
  };
}

class FakeVerifier implements KeyVerifier {
  calls: KeyVerificationRequest[] = [];
  constructor(private readonly answers: Record<string, KeyVerification>) {}
  async verify(request: KeyVerificationRequest): Promise<KeyVerification> {
    this.calls.push(request);
    return this.answers[request.key] ?? { valid: false, code: "NOT_FOUND" };
  }
}

const principal = {
  keyId: "key_1",
  keyspaceId: "ks_1",
  roles: [],
  permissions: ["docs.read"],
  meta: { tenant: "acme" },
};
const verifier = () =>
  new FakeVerifier({
    good: { valid: true, principal },
    disabled: { valid: false, code: "DISABLED" },
    expired: { valid: false, code: "EXPIRED" },
    noperm: { valid: false, code: "INSUFFICIENT_PERMISSIONS" },
    limited: {
      valid: false,
      code: "RATE_LIMITED",
      ratelimit: { limit: 10, remaining: 0, reset: 61_000 },
    },
    broke: { valid: false, code: "USAGE_EXCEEDED" },
  });
const services = (keyVerifier: KeyVerifier = verifier()) => ({
  keyVerifier,
  rateLimiter: new MemoryRateLimiter(() => 1000),
  now: () => 1000,
});

const adminFirewall = stored({
  name: "no admin",
  enabled: true,
  match: [{ path: { path: { prefix: "/admin" } } }],
  firewall: { action: "ACTION_DENY" },
});

describe("firewall after normalisation", () => {
  const policies = compilePolicies("env_1", [adminFirewall]);
  const cases: [string, number | undefined][] = [
    ["/admin", 403],
    ["/admin/users", 403],
    ["/%61dmin", 403],
    ["/%61%64%6d%69%6e/x", 403],
    ["//admin", 403],
    ["/x/../admin", 403],
    ["/x/%2e%2e/admin", 403],
    ["/./admin", 403],
    ["/public/../../admin", 403],
    ["/public", undefined],
    ["/Admin", undefined],
  ];
  it.each(cases)("%s", async (target, status) => {
    const outcome = await evaluatePolicies(policies, requestAt(target), services());
    expect(outcome.denial ? 403 : undefined).toBe(status);
  });
  it("a case-insensitive rule also catches /ADMIN", async () => {
    const rule = stored({
      name: "ci",
      enabled: true,
      match: [{ path: { path: { prefix: "/admin", ignoreCase: true } } }],
      firewall: { action: "ACTION_DENY" },
    });
    const outcome = await evaluatePolicies(
      compilePolicies("env_1", [rule]),
      requestAt("/%41dMIN"),
      services(),
    );
    expect(outcome.denial?.code).toBe("forbidden");
  });
});

describe("keyauth", () => {
  const keyauth = stored({
    name: "keys",
    enabled: true,
    keyauth: {
      keyspaces: ["ks_1"],
      locations: [
        { bearer: {} },
        { header: { name: "X-Api-Key", stripPrefix: "Key " } },
        { queryParam: { name: "api_key" } },
      ],
      credits: 0,
    },
  });
  const policies = compilePolicies("env_1", [keyauth]);
  const cases: [string, Record<string, string[]>, string, string | undefined][] = [
    ["missing", {}, "/", "unauthorized"],
    ["unknown key", { authorization: ["Bearer nope"] }, "/", "unauthorized"],
    ["disabled", { authorization: ["Bearer disabled"] }, "/", "forbidden"],
    ["expired", { authorization: ["Bearer expired"] }, "/", "forbidden"],
    ["insufficient permissions", { authorization: ["Bearer noperm"] }, "/", "forbidden"],
    ["rate limited", { authorization: ["Bearer limited"] }, "/", "too_many_requests"],
    ["out of credits", { authorization: ["Bearer broke"] }, "/", "too_many_requests"],
    ["valid bearer", { authorization: ["bearer good"] }, "/", undefined],
    ["valid header with prefix", { "x-api-key": ["Key good"] }, "/", undefined],
    ["valid query param", {}, "/?api_key=good", undefined],
    ["Basic is not a bearer", { authorization: ["Basic good"] }, "/", "unauthorized"],
  ];
  it.each(cases)("%s", async (_, headers, target, code) => {
    const outcome = await evaluatePolicies(policies, requestAt(target, headers), services());
    expect(outcome.denial?.code).toBe(code);
    if (!code) expect(outcome.principal).toEqual(principal);
  });

  it("passes keyspaces, credits and permission query to the verifier", async () => {
    const fake = verifier();
    await evaluatePolicies(
      policies,
      requestAt("/", { authorization: ["Bearer good"] }),
      services(fake),
    );
    expect(fake.calls).toEqual([{ key: "good", keyspaces: ["ks_1"], credits: 0 }]);
  });

  it("sends Retry-After with a key's rate limit", async () => {
    const outcome = await evaluatePolicies(
      policies,
      requestAt("/", { authorization: ["Bearer limited"] }),
      services(),
    );
    expect(outcome.denial?.headers).toEqual({
      "x-ratelimit-limit": "10",
      "x-ratelimit-remaining": "0",
      "x-ratelimit-reset": "61",
      "retry-after": "60",
    });
  });
});

describe("the chain", () => {
  it("skips disabled policies and stops at the first rejection", async () => {
    const disabled = stored({ name: "off", enabled: false, firewall: { action: "ACTION_DENY" } });
    const keys = stored({ name: "keys", enabled: true, keyauth: { keyspaces: ["ks_1"] } });
    const fake = verifier();
    const outcome = await evaluatePolicies(
      compilePolicies("env_1", [disabled, adminFirewall, keys]),
      requestAt("/admin"),
      services(fake),
    );
    expect(outcome.denial?.policy.name).toBe("no admin");
    expect(fake.calls).toHaveLength(0);
  });

  it("combines every matching logging policy, even after a rejection", async () => {
    const logHeaders = stored({ name: "h", enabled: true, logging: { requestHeaders: true } });
    const logBody = stored({
      name: "b",
      enabled: true,
      match: [{ method: { methods: ["GET"] } }],
      logging: { responseBody: true },
    });
    const outcome = await evaluatePolicies(
      compilePolicies("env_1", [logHeaders, adminFirewall, logBody]),
      requestAt("/admin"),
      services(),
    );
    expect(outcome.logging).toEqual({
      requestHeaders: true,
      responseHeaders: false,
      requestBody: false,
      responseBody: true,
      query: false,
    });
    expect(outcome.denial).toBeDefined();
  });

  it("rate limits per compound identifier with headers", async () => {
    const limit = stored({
      name: "rl",
      enabled: true,
      ratelimit: { limit: 2, windowMs: 60_000, identifiers: [{ remoteIp: {} }, { path: {} }] },
    });
    const policies = compilePolicies("env_1", [limit]);
    const shared = services();
    const statuses: (string | undefined)[] = [];
    for (const target of ["/a", "/a", "/a", "/b"]) {
      statuses.push((await evaluatePolicies(policies, requestAt(target), shared)).denial?.code);
    }
    expect(statuses).toEqual([undefined, undefined, "too_many_requests", undefined]);
    const last = await evaluatePolicies(policies, requestAt("/a"), shared);
    expect(last.denial?.headers).toEqual({
      "x-ratelimit-limit": "2",
      "x-ratelimit-remaining": "0",
      "x-ratelimit-reset": "60",
      "retry-after": "59",
    });
  });

  it("openapi is a no-op without an uploaded spec", async () => {
    const openapi = stored({ name: "spec", enabled: true, openapi: {} });
    expect(
      (await evaluatePolicies(compilePolicies("env_1", [openapi]), requestAt("/x"), services()))
        .denial,
    ).toBeUndefined();
  });
});

describe("rateLimitNamespace", () => {
  const base = {
    name: "rl",
    enabled: true,
    ratelimit: { limit: 2, windowMs: 60_000, identifiers: [{ remoteIp: {} }] },
  };
  it("survives a new id, a new name and a new limit", () => {
    const a = rateLimitNamespace("env_1", stored(base));
    expect(
      rateLimitNamespace(
        "env_1",
        stored({ ...base, name: "renamed", ratelimit: { ...base.ratelimit, limit: 5 } }),
      ),
    ).toBe(a);
    expect(
      rateLimitNamespace(
        "env_1",
        stored({ ...base, ratelimit: { ...base.ratelimit, windowMs: 1000 } }),
      ),
    ).not.toBe(a);
    expect(rateLimitNamespace("env_2", stored(base))).not.toBe(a);
  });
});

describe("ratelimitIdentifier", () => {
  const request = requestAt("/v1/x", { "x-tenant": ["acme", "other"] });
  const cases: [string, unknown[], string][] = [
    ["remoteIp", [{ remoteIp: {} }], '["203.0.113.7"]'],
    ["header (first value)", [{ header: { name: "X-Tenant" } }], '["acme"]'],
    ["missing header shares one counter", [{ header: { name: "x-none" } }], "[null]"],
    ["authenticatedSubject", [{ authenticatedSubject: {} }], '["key_1"]'],
    ["path", [{ path: {} }], '["/v1/x"]'],
    ["principalField", [{ principalField: { path: "meta.tenant" } }], '["acme"]'],
    ["principalField missing", [{ principalField: { path: "meta.nope.deeper" } }], "[null]"],
    ["compound", [{ authenticatedSubject: {} }, { path: {} }], '["key_1","/v1/x"]'],
  ];
  it.each(cases)("%s", (_, identifiers, expected) => {
    expect(ratelimitIdentifier(identifiers as never, request, principal)).toBe(expected);
  });
  it("does not read the prototype", () => {
    expect(
      ratelimitIdentifier([{ principalField: { path: "constructor" } }], request, principal),
    ).toBe("[null]");
  });
});

describe("extractKey", () => {
  it("tries locations in order and says where the key was", () => {
    const request = requestAt("/?k=fromquery", {
      authorization: ["Bearer frombearer"],
      "x-key": ["fromheader"],
    });
    expect(extractKey([{ queryParam: { name: "k" } }, { bearer: {} }], request)).toEqual({
      key: "fromquery",
      source: { kind: "queryParam", name: "k" },
    });
    expect(extractKey([{ header: { name: "X-Key" } }, { bearer: {} }], request)).toEqual({
      key: "fromheader",
      source: { kind: "header", name: "x-key" },
    });
    expect(extractKey(undefined, request)).toEqual({
      key: "frombearer",
      source: { kind: "header", name: "authorization" },
    });
  });
});
