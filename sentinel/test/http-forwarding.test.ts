import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  closedPort,
  rawRequest,
  route,
  startSentinel,
  startUpstream,
  type TestSentinel,
} from "./harness.js";

let sentinel: TestSentinel;
let upstreamEu: Awaited<ReturnType<typeof startUpstream>>;
let upstreamUs: Awaited<ReturnType<typeof startUpstream>>;

beforeAll(async () => {
  sentinel = await startSentinel({ region: "eu-1", proximity: ["us-1"] });
  upstreamEu = await startUpstream("eu-a");
  upstreamUs = await startUpstream("us-a");
});
afterAll(async () => {
  await sentinel.close();
  await upstreamEu.close();
  await upstreamUs.close();
});

describe("routing", () => {
  it("routes by host, ignoring case and port, and answers 404 for an unknown host", async () => {
    sentinel.setRoutes([route("a.example", "dep_a"), route("b.example", "dep_b")]);
    sentinel.instances.set("dep_a", [upstreamEu.instance("eu-1")]);
    sentinel.instances.set("dep_b", [upstreamUs.instance("eu-1")]);
    const a = await rawRequest(sentinel.port, { path: "/", headers: { host: "A.Example:8443" } });
    const b = await rawRequest(sentinel.port, { path: "/", headers: { host: "b.example" } });
    const none = await rawRequest(sentinel.port, { path: "/", headers: { host: "c.example" } });
    expect([a.body, b.body]).toEqual(["hello from eu-a", "hello from us-a"]);
    expect(none.status).toBe(404);
    expect(JSON.parse(none.body).error).toMatchObject({ status: 404, title: "Not Found" });
  });

  it("prefers its own region, falls back to the nearest with ready instances, 503 with none", async () => {
    sentinel.setRoutes([route("r.example", "dep_r")]);
    sentinel.instances.set("dep_r", [upstreamUs.instance("us-1"), upstreamEu.instance("eu-1")]);
    expect(
      (await rawRequest(sentinel.port, { path: "/", headers: { host: "r.example" } })).body,
    ).toBe("hello from eu-a");
    sentinel.instances.set("dep_r", [upstreamUs.instance("us-1")]);
    expect(
      (await rawRequest(sentinel.port, { path: "/", headers: { host: "r.example" } })).body,
    ).toBe("hello from us-a");
    sentinel.instances.set("dep_r", []);
    const none = await rawRequest(sentinel.port, { path: "/", headers: { host: "r.example" } });
    expect(none.status).toBe(503);
    expect(none.headers["retry-after"]).toBe("1");
  });

  it("retries another instance when the connection is refused, and never after the request was sent", async () => {
    sentinel.setRoutes([route("retry.example", "dep_retry")]);
    const dead = { id: "dead", address: "127.0.0.1", port: await closedPort(), region: "eu-1" };
    sentinel.instances.set("dep_retry", [dead, upstreamEu.instance("eu-1")]);
    const before = upstreamEu.received.length;
    for (let i = 0; i < 4; i++) {
      const response = await rawRequest(sentinel.port, {
        method: "POST",
        path: "/pay",
        headers: { host: "retry.example" },
        body: "once",
      });
      expect(response.body).toBe("hello from eu-a");
    }
    expect(upstreamEu.received.slice(before).map((r) => r.body)).toEqual([
      "once",
      "once",
      "once",
      "once",
    ]);

    // An upstream that takes the request and then drops the connection: no retry, 502.
    const dropper = await startUpstream("dropper", (_req, res) => res.socket?.destroy());
    sentinel.instances.set("dep_retry", [dropper.instance("eu-1"), upstreamEu.instance("eu-1")]);
    const count = upstreamEu.received.length;
    const dropped = await rawRequest(sentinel.port, {
      method: "POST",
      path: "/pay",
      headers: { host: "retry.example" },
      body: "x",
    });
    expect(dropped.status).toBe(502);
    expect(dropper.received).toHaveLength(1);
    expect(upstreamEu.received.length).toBe(count);
    await dropper.close();
  });
});

describe("headers", () => {
  it("appends the peer to X-Forwarded-For once, strips hop-by-hop and internal headers", async () => {
    sentinel.setRoutes([route("h.example", "dep_h")]);
    sentinel.instances.set("dep_h", [upstreamEu.instance("eu-1")]);
    const response = await rawRequest(sentinel.port, {
      path: "/x?y=1",
      headers: {
        host: "h.example",
        connection: "keep-alive, x-drop-me",
        "x-drop-me": "1",
        "keep-alive": "timeout=100",
        "proxy-authorization": "Basic Zm9vOmJhcg==",
        te: "gzip",
        "x-forwarded-for": "6.6.6.6",
        "x-unkey-principal": '{"keyId":"forged"}',
        "x-slipway-deployment": "dep_other",
        "x-request-id": "chosen-by-client",
        "x-custom": ["one", "two"],
      },
    });
    expect(response.status).toBe(200);
    const seen = upstreamEu.received.at(-1)!;
    expect(seen.url).toBe("/x?y=1");
    expect(seen.headers["x-forwarded-for"]).toBe("6.6.6.6, 127.0.0.1");
    expect(seen.headers["x-forwarded-host"]).toBe("h.example");
    expect(seen.headers["x-forwarded-proto"]).toBe("http");
    expect(seen.headers["x-slipway-hops"]).toBe("1");
    expect(seen.headers["x-request-id"]).toMatch(/^req_/);
    expect(seen.headers["x-request-id"]).toBe(response.headers["x-request-id"]);
    expect(seen.headers["x-custom"]).toBe("one, two");
    for (const name of [
      "x-drop-me",
      "keep-alive",
      "proxy-authorization",
      "te",
      "x-unkey-principal",
      "x-slipway-deployment",
    ]) {
      expect(seen.headers[name], name).toBeUndefined();
    }
    await sentinel.batcher.flush();
    // The client IP in the log is the TCP peer, not what the client claimed.
    expect(
      sentinel.logs.find((log) => log.requestId === response.headers["x-request-id"])?.clientIp,
    ).toBe("127.0.0.1");
  });

  it("answers 508 when the hop count is exhausted", async () => {
    const response = await rawRequest(sentinel.port, {
      path: "/",
      headers: { host: "h.example", "x-slipway-hops": "5" },
    });
    expect(response.status).toBe(508);
  });
});

// Last in the file: it adds a request, which moves the round-robin turn other tests rely on.
describe("hostile Host", () => {
  it("answers 400 to a request with two Host headers and forwards nothing", async () => {
    sentinel.setRoutes([route("a.example", "dep_a")]);
    sentinel.instances.set("dep_a", [upstreamEu.instance("eu-1")]);
    const before = upstreamEu.received.length;
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(sentinel.port, "127.0.0.1", () =>
        socket.end("GET / HTTP/1.1\r\nHost: a.example\r\nHost: b.example\r\n\r\n"),
      );
      let text = "";
      socket.on("data", (chunk) => {
        text += chunk;
      });
      socket.on("end", () => resolve(text));
      socket.on("error", reject);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    // The API's error envelope, with a request id to quote.
    expect(answer).toContain("more than one Host");
    expect(answer).toMatch(/"requestId":"req_/);
    expect(upstreamEu.received.length).toBe(before);
  });
});
