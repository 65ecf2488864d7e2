import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rawRequest, route, startSentinel, startUpstream, type TestSentinel } from "./harness.js";

let sentinel: TestSentinel;
let upstream: Awaited<ReturnType<typeof startUpstream>>;
const principal = {
  keyId: "key_1",
  keyspaceId: "ks_1",
  roles: ["admin"],
  permissions: ["docs.read"],
  meta: { plan: "pro" },
};

beforeAll(async () => {
  sentinel = await startSentinel();
  upstream = await startUpstream("app");
  sentinel.setRoutes([
    route("fw.example", "dep_fw", [
      {
        name: "no admin",
        enabled: true,
        match: [{ path: { path: { prefix: "/admin" } } }],
        firewall: { action: "ACTION_DENY" },
      },
      {
        name: "no debug",
        enabled: true,
        match: [
          { queryParam: { name: "debug", present: true } },
          { method: { methods: ["POST"] } },
        ],
        firewall: { action: "ACTION_DENY" },
      },
      {
        name: "no bots",
        enabled: true,
        match: [{ header: { name: "user-agent", value: { regex: "(?i)bot" } } }],
        firewall: { action: "ACTION_DENY" },
      },
    ]),
    route("keys.example", "dep_keys", [
      {
        name: "log everything",
        enabled: true,
        logging: { requestHeaders: true, query: true, requestBody: true },
      },
      {
        name: "keys",
        enabled: true,
        match: [{ path: { path: { prefix: "/api" } } }],
        keyauth: {
          keyspaces: ["ks_1"],
          locations: [
            { bearer: {} },
            { header: { name: "X-Api-Key", stripPrefix: "Key " } },
            { queryParam: { name: "api_key" } },
          ],
          permissionQuery: "docs.read",
        },
      },
      {
        name: "per key",
        enabled: true,
        ratelimit: { limit: 2, windowMs: 60_000, identifiers: [{ authenticatedSubject: {} }] },
      },
    ]),
  ]);
  sentinel.instances.set("dep_fw", [upstream.instance("eu-1")]);
  sentinel.instances.set("dep_keys", [upstream.instance("eu-1")]);
  sentinel.keys.answers.set("good", { valid: true, principal });
  sentinel.keys.answers.set("other", { valid: true, principal: { ...principal, keyId: "key_2" } });
  sentinel.keys.answers.set("disabled", { valid: false, code: "DISABLED" });
  sentinel.keys.answers.set("expired", { valid: false, code: "EXPIRED" });
  sentinel.keys.answers.set("noperm", { valid: false, code: "INSUFFICIENT_PERMISSIONS" });
  sentinel.keys.answers.set("limited", { valid: false, code: "RATE_LIMITED" });
  sentinel.keys.answers.set("broke", { valid: false, code: "USAGE_EXCEEDED" });
});
afterAll(async () => {
  await sentinel.close();
  await upstream.close();
});

describe("firewall through the server", () => {
  const cases: [string, string, string, Record<string, string>, number][] = [
    ["plain", "GET", "/admin", {}, 403],
    ["percent-encoded letter", "GET", "/%61dmin", {}, 403],
    ["upper-case percent-encoding", "GET", "/%61%64%6D%69%6E/users", {}, 403],
    ["double slash", "GET", "//admin", {}, 403],
    ["dot-dot", "GET", "/x/../admin", {}, 403],
    ["encoded dot-dot", "GET", "/x/%2e%2e/admin", {}, 403],
    ["dot segment", "GET", "/./admin/", {}, 403],
    ["climbing above the root", "GET", "/../../admin", {}, 403],
    ["other path", "GET", "/public", {}, 200],
    ["query + method ANDed: both", "POST", "/x?debug", {}, 403],
    ["query + method ANDed: one", "GET", "/x?debug", {}, 200],
    ["regex on a header", "GET", "/x", { "user-agent": "GoodBot/1.0" }, 403],
  ];
  it.each(cases)("%s: %s %s", async (_, method, path, headers, status) => {
    const before = upstream.received.length;
    const response = await rawRequest(sentinel.port, {
      method,
      path,
      headers: { host: "fw.example", ...headers },
    });
    expect(response.status).toBe(status);
    expect(upstream.received.length - before).toBe(status === 200 ? 1 : 0);
    if (status === 200) expect(upstream.received.at(-1)!.url).not.toContain("..");
  });

  it("forwards the normalised path, so the app routes on what the policies saw", async () => {
    await rawRequest(sentinel.port, {
      path: "/x/../public//%70age?q=%2e%2e",
      headers: { host: "fw.example" },
    });
    expect(upstream.received.at(-1)!.url).toBe("/public/page?q=%2e%2e");
  });

  it("answers 400 for a path with bad encoding or a control character", async () => {
    expect(
      (await rawRequest(sentinel.port, { path: "/a%zz", headers: { host: "fw.example" } })).status,
    ).toBe(400);
    expect(
      (await rawRequest(sentinel.port, { path: "/a%00", headers: { host: "fw.example" } })).status,
    ).toBe(400);
  });

  it("gives a browser an HTML page", async () => {
    const response = await rawRequest(sentinel.port, {
      path: "/admin",
      headers: { host: "fw.example", accept: "text/html,*/*;q=0.8" },
    });
    expect(response.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(response.body).toContain("403 Forbidden");
  });
});

describe("keyauth through the server", () => {
  const cases: [string, Record<string, string>, string, number][] = [
    ["missing", {}, "/api/x", 401],
    ["unknown", { authorization: "Bearer nope" }, "/api/x", 401],
    ["disabled", { authorization: "Bearer disabled" }, "/api/x", 403],
    ["expired", { authorization: "Bearer expired" }, "/api/x", 403],
    ["insufficient permissions", { authorization: "Bearer noperm" }, "/api/x", 403],
    ["rate limited", { authorization: "Bearer limited" }, "/api/x", 429],
    ["out of credits", { authorization: "Bearer broke" }, "/api/x", 429],
  ];
  it.each(cases)("%s, in the API's envelope", async (_, headers, path, status) => {
    const response = await rawRequest(sentinel.port, {
      path,
      headers: { host: "keys.example", ...headers },
    });
    expect(response.status).toBe(status);
    const body = JSON.parse(response.body);
    expect(body).toMatchObject({
      meta: { requestId: response.headers["x-request-id"] },
      error: { status },
    });
    expect(Object.keys(body.error).sort()).toEqual(["detail", "status", "title", "type"]);
  });

  it("a valid key reaches the app with X-Unkey-Principal and without the credential", async () => {
    const viaHeader = await rawRequest(sentinel.port, {
      path: "/api/x",
      headers: { host: "keys.example", "x-api-key": "Key other" },
    });
    expect(viaHeader.status).toBe(200);
    let seen = upstream.received.at(-1)!;
    expect(JSON.parse(seen.headers["x-unkey-principal"] as string)).toEqual({
      ...principal,
      keyId: "key_2",
    });
    expect(seen.headers["x-api-key"]).toBeUndefined();

    await rawRequest(sentinel.port, {
      path: "/api/x?a=1&api_key=good&b=2",
      headers: { host: "keys.example" },
    });
    seen = upstream.received.at(-1)!;
    expect(seen.url).toBe("/api/x?a=1&b=2");
    expect(JSON.parse(seen.headers["x-unkey-principal"] as string).keyId).toBe("key_1");
    expect(sentinel.keys.calls.at(-1)).toEqual({
      key: "good",
      keyspaces: ["ks_1"],
      permissionQuery: "docs.read",
      credits: 1,
    });
  });

  it("rate limits by the verified key, with X-RateLimit-* and Retry-After", async () => {
    const statuses: number[] = [];
    let last: Awaited<ReturnType<typeof rawRequest>> | undefined;
    for (let i = 0; i < 3; i++) {
      last = await rawRequest(sentinel.port, {
        path: "/api/limited",
        headers: { host: "keys.example", authorization: "Bearer good" },
      });
      statuses.push(last.status);
    }
    // The key already spent one request in the test above.
    expect(statuses).toEqual([200, 429, 429]);
    expect(last!.headers).toMatchObject({ "x-ratelimit-limit": "2", "x-ratelimit-remaining": "0" });
    expect(Number(last!.headers["retry-after"])).toBeGreaterThan(0);
  });

  it("logs denied requests too, with the key locations redacted", async () => {
    const response = await rawRequest(sentinel.port, {
      method: "POST",
      path: "/api/x?api_key=disabled&z=1",
      headers: { host: "keys.example", "x-api-key": "Key s3cret" },
      body: "payload",
    });
    // The header location comes first: its (unknown) key decides, 401.
    expect(response.status).toBe(401);
    await sentinel.batcher.flush();
    const record = sentinel.logs.find((log) => log.requestId === response.headers["x-request-id"]);
    expect(record).toMatchObject({
      outcome: "denied",
      status: 401,
      policyName: "keys",
      host: "keys.example",
      path: "/api/x",
      query: "api_key=[REDACTED]&z=1",
      deploymentId: "dep_keys",
      region: "eu-1",
    });
    expect(record?.requestHeaders?.["x-api-key"]).toEqual(["[REDACTED]"]);
    expect(JSON.stringify(record)).not.toContain("s3cret");
  });
});
