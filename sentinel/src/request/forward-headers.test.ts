import { describe, expect, it } from "vitest";
import { clientIp, parseTrustedProxies } from "./client-ip.js";
import { forwardHeaders, responseHeaders } from "./forward-headers.js";

const none = parseTrustedProxies([]);
const lb = parseTrustedProxies(["10.0.0.0/8", "2001:db8::/32"]);

describe("clientIp", () => {
  const cases: [string, string, string[], typeof none, string][] = [
    ["direct client", "203.0.113.7", [], none, "203.0.113.7"],
    ["spoofed XFF, no trusted proxy", "203.0.113.7", ["1.2.3.4"], none, "203.0.113.7"],
    ["behind a trusted LB", "10.0.0.5", ["198.51.100.9"], lb, "198.51.100.9"],
    ["spoof behind a trusted LB", "10.0.0.5", ["1.2.3.4", "198.51.100.9"], lb, "198.51.100.9"],
    ["two trusted hops", "10.0.0.5", ["198.51.100.9", "10.1.1.1"], lb, "198.51.100.9"],
    ["all trusted: the leftmost", "10.0.0.5", ["10.9.9.9"], lb, "10.9.9.9"],
    ["garbage from the LB's client", "10.0.0.5", ["not-an-ip"], lb, "10.0.0.5"],
    ["IPv4-mapped peer", "::ffff:203.0.113.7", [], none, "203.0.113.7"],
    ["IPv4-mapped trusted peer", "::ffff:10.0.0.5", ["198.51.100.9"], lb, "198.51.100.9"],
    ["IPv6 trusted", "2001:db8::1", ["2001:db9::5"], lb, "2001:db9::5"],
  ];
  it.each(cases)("%s", (_, peer, xff, trusted, expected) => {
    expect(clientIp(peer, xff, trusted)).toBe(expected);
  });
});

describe("forwardHeaders", () => {
  const context = {
    peerIp: "203.0.113.7",
    trustedProxies: none,
    tls: false,
    requestId: "req_1",
    maxHops: 5,
  };

  it("strips hop-by-hop fields, those named in Connection, and X-Unkey-/X-Slipway-", () => {
    const plan = forwardHeaders(
      {
        host: ["App.Example.com:8080"],
        connection: ["keep-alive, X-Secret-Hop"],
        "keep-alive": ["timeout=5"],
        "x-secret-hop": ["1"],
        "proxy-authorization": ["Basic x"],
        "transfer-encoding": ["chunked"],
        upgrade: ["h2c"],
        te: ["gzip"],
        trailer: ["x-checksum"],
        "x-unkey-principal": ['{"keyId":"forged"}'],
        "x-slipway-internal": ["1"],
        "x-request-id": ["client-chosen"],
        "x-forwarded-host": ["evil.example"],
        "x-forwarded-proto": ["https"],
        accept: ["text/html", "application/json"],
      },
      context,
    );
    expect(plan).toEqual({
      clientIp: "203.0.113.7",
      host: "app.example.com",
      headers: {
        host: "App.Example.com:8080",
        accept: ["text/html", "application/json"],
        "x-slipway-hops": "1",
        "x-forwarded-for": "203.0.113.7",
        "x-forwarded-host": "app.example.com:8080",
        "x-forwarded-proto": "http",
        "x-request-id": "req_1",
      },
    });
  });

  it("appends the peer to X-Forwarded-For exactly once, joining repeated lines", () => {
    const plan = forwardHeaders({ "x-forwarded-for": ["1.1.1.1, 2.2.2.2", "3.3.3.3"] }, context);
    expect(plan !== "loop" && plan.headers["x-forwarded-for"]).toBe(
      "1.1.1.1, 2.2.2.2, 3.3.3.3, 203.0.113.7",
    );
    expect(plan !== "loop" && plan.clientIp).toBe("203.0.113.7");
  });

  it("keeps X-Forwarded-Proto/Host from a trusted proxy", () => {
    const plan = forwardHeaders(
      { host: ["a.example"], "x-forwarded-proto": ["https"], "x-forwarded-host": ["b.example"] },
      { ...context, peerIp: "10.0.0.5", trustedProxies: lb },
    );
    expect(plan !== "loop" && plan.headers).toMatchObject({
      "x-forwarded-proto": "https",
      "x-forwarded-host": "b.example",
    });
  });

  it("passes TE: trailers only", () => {
    const plan = forwardHeaders({ te: ["trailers, deflate"] }, context);
    expect(plan !== "loop" && plan.headers.te).toBe("trailers");
  });

  it("keeps Upgrade for a WebSocket handshake", () => {
    const plan = forwardHeaders(
      { connection: ["Upgrade"], upgrade: ["websocket"] },
      { ...context, upgrade: true },
    );
    expect(plan !== "loop" && plan.headers).toMatchObject({
      connection: "upgrade",
      upgrade: "websocket",
    });
  });

  it("counts hops and stops a loop", () => {
    const plan = forwardHeaders({ "x-slipway-hops": ["3"] }, context);
    expect(plan !== "loop" && plan.headers["x-slipway-hops"]).toBe("4");
    expect(forwardHeaders({ "x-slipway-hops": ["5"] }, context)).toBe("loop");
    const garbage = forwardHeaders({ "x-slipway-hops": ["-7"] }, context);
    expect(garbage !== "loop" && garbage.headers["x-slipway-hops"]).toBe("1");
  });

  it("drops HTTP/2 pseudo-headers and takes the host from :authority", () => {
    const plan = forwardHeaders(
      { ":authority": ["grpc.example"], ":path": ["/x"], "content-type": ["application/grpc"] },
      context,
    );
    expect(plan !== "loop" && plan.headers).toMatchObject({
      host: "grpc.example",
      "content-type": "application/grpc",
    });
    expect(plan !== "loop" && Object.keys(plan.headers).some((name) => name.startsWith(":"))).toBe(
      false,
    );
  });
});

describe("responseHeaders", () => {
  it("drops the upstream connection's hop-by-hop fields", () => {
    expect(
      responseHeaders([
        "connection",
        "close, X-Hop",
        "x-hop",
        "1",
        "keep-alive",
        "timeout=5",
        "transfer-encoding",
        "chunked",
        "content-type",
        "text/plain",
        "set-cookie",
        "a=1",
        "set-cookie",
        "b=2",
      ]),
    ).toEqual(["content-type", "text/plain", "set-cookie", "a=1", "set-cookie", "b=2"]);
  });
});
