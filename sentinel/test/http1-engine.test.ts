import { connect, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { route, startSentinel, startUpstream, type TestSentinel } from "./harness.js";

/**
 * Sentinel's own HTTP/1.1 engine as a client meets it on the wire: pipelining, keep-alive,
 * timeouts, refusals in the API's envelope, and the hand-over to Node's server for requests
 * the engine does not serve itself (a body, an upgrade).
 */
let sentinel: TestSentinel;
let upstream: Awaited<ReturnType<typeof startUpstream>>;

beforeAll(async () => {
  sentinel = await startSentinel({ headersTimeoutMs: 400, keepAliveTimeoutMs: 600 });
  upstream = await startUpstream("app", (req, res, body) => {
    if (req.url === "/stream") {
      // No Content-Length: the engine frames it chunked for the client.
      res.write("part one, ");
      setTimeout(() => res.end("part two"), 20);
      return;
    }
    res.setHeader("content-type", "text/plain");
    res.end(`${req.method} ${req.url}${body ? ` body=${body}` : ""}`);
  });
  sentinel.setRoutes([route("engine.example", "dep_engine")]);
  sentinel.instances.set("dep_engine", [upstream.instance("eu-1")]);
});

afterAll(async () => {
  await sentinel.close();
  await upstream.close();
});

/** A raw connection: what it received, and when the server closed it. */
function open(): Promise<{ socket: Socket; text: () => string; closed: Promise<number> }> {
  return new Promise((resolve, reject) => {
    let text = "";
    const started = Date.now();
    const socket = connect(sentinel.port, "127.0.0.1");
    const closed = new Promise<number>((done) =>
      socket.once("close", () => done(Date.now() - started)),
    );
    socket.on("data", (chunk) => {
      text += chunk.toString("latin1");
    });
    socket.once("error", reject);
    socket.once("connect", () => resolve({ socket, text: () => text, closed }));
  });
}

async function until(check: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const get = (path: string, extra = "") =>
  `GET ${path} HTTP/1.1\r\nHost: engine.example\r\n${extra}\r\n`;

describe("Sentinel's HTTP/1.1 engine", () => {
  it("answers pipelined requests on one connection in order", async () => {
    const connection = await open();
    connection.socket.write(get("/one") + get("/two") + get("/three"));
    await until(() => (connection.text().match(/HTTP\/1\.1 200/g) ?? []).length === 3);
    const bodies = connection.text().match(/GET \/(one|two|three)/g);
    expect(bodies).toEqual(["GET /one", "GET /two", "GET /three"]);
    connection.socket.destroy();
  });

  it("streams request bodies, Content-Length or chunked, and keeps the connection in step", async () => {
    const connection = await open();
    connection.socket.write(
      "POST /sized HTTP/1.1\r\nHost: engine.example\r\nContent-Length: 5\r\n\r\nhel",
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    connection.socket.write("lo");
    await until(() => connection.text().includes("POST /sized body=hello"));
    connection.socket.write(
      "POST /chunked HTTP/1.1\r\nHost: engine.example\r\nTransfer-Encoding: chunked\r\n\r\n" +
        "3\r\nabc\r\n4\r\ndefg\r\n0\r\n\r\n" +
        get("/after"),
    );
    await until(() => connection.text().includes("GET /after"));
    expect(connection.text()).toContain("POST /chunked body=abcdefg");
    // The app got the chunked body framed anew, with no client framing left over.
    const chunked = upstream.received.find((r) => r.url === "/chunked")!;
    expect(chunked.body).toBe("abcdefg");
    expect(upstream.received.find((r) => r.url === "/sized")?.headers["content-length"]).toBe("5");
    connection.socket.destroy();
  });

  it("answers 400 to a malformed chunked body and closes the connection", async () => {
    const connection = await open();
    connection.socket.write(
      "POST /bad-chunks HTTP/1.1\r\nHost: engine.example\r\nTransfer-Encoding: chunked\r\n\r\n" +
        "3\r\nabc\r\n0x4\r\ndefg\r\n0\r\n\r\n",
    );
    await connection.closed;
    expect(connection.text()).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(connection.text()).toContain("The request body is malformed.");
  });

  it("hands the connection to Node's server at Expect: 100-continue, which goes on serving it", async () => {
    const connection = await open();
    connection.socket.write(
      "POST /expect HTTP/1.1\r\nHost: engine.example\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n",
    );
    await until(() => connection.text().includes("100 Continue"));
    connection.socket.write("ok");
    await until(() => connection.text().includes("POST /expect body=ok"));
    connection.socket.write(get("/after-expect"));
    await until(() => connection.text().includes("GET /after-expect"));
    connection.socket.destroy();
  });

  it("frames a body of unknown length chunked, and answers HEAD without one", async () => {
    const connection = await open();
    connection.socket.write(get("/stream"));
    await until(() => connection.text().includes("\r\n0\r\n\r\n"));
    expect(connection.text()).toMatch(/transfer-encoding: chunked/i);
    expect(connection.text()).toContain("part one, ");
    expect(connection.text()).toContain("part two");
    const before = connection.text().length;
    connection.socket.write("HEAD /head HTTP/1.1\r\nHost: engine.example\r\n\r\n");
    await until(() => connection.text().length > before && connection.text().endsWith("\r\n\r\n"));
    const head = connection.text().slice(before);
    expect(head).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(head).not.toMatch(/transfer-encoding/i);
    // Nothing followed the HEAD answer's head: the next request's answer is the next bytes.
    connection.socket.write(get("/after-head"));
    await until(() => connection.text().includes("GET /after-head"));
    expect(connection.text().slice(before + head.length)).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    connection.socket.destroy();
  });

  it("refuses a smuggling-shaped head with 400 in the API's envelope and closes; nothing is forwarded", async () => {
    const before = upstream.received.length;
    const connection = await open();
    connection.socket.write(
      "POST / HTTP/1.1\r\nHost: engine.example\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    );
    await connection.closed;
    expect(connection.text()).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(connection.text()).toContain('"status":400');
    expect(connection.text()).toMatch(/"requestId":"req_\w+"/);
    expect(upstream.received.length).toBe(before);
  });

  it("answers 408 when a head does not arrive within the headers timeout", async () => {
    const connection = await open();
    connection.socket.write("GET /slow HTTP/1.1\r\nHost: engine.ex");
    const closedAfter = await connection.closed;
    expect(connection.text()).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
    expect(closedAfter).toBeGreaterThanOrEqual(400);
    expect(closedAfter).toBeLessThan(2500);
  });

  it("closes an idle keep-alive connection after the keep-alive timeout, and at once after Connection: close", async () => {
    const idle = await open();
    idle.socket.write(get("/idle"));
    const idleClosedAfter = await idle.closed;
    expect(idle.text()).toContain("GET /idle");
    expect(idleClosedAfter).toBeGreaterThanOrEqual(600);
    expect(idleClosedAfter).toBeLessThan(3000);

    const closing = await open();
    closing.socket.write(get("/last", "Connection: close\r\n"));
    const closedAfter = await closing.closed;
    expect(closing.text()).toMatch(/connection: close/i);
    expect(closing.text()).toContain("GET /last");
    expect(closedAfter).toBeLessThan(600);
  });

  it("leaves every HTTP/1.1 request to Node's server with SENTINEL_HTTP1_ENGINE=node", async () => {
    const viaNode = await startSentinel({ http1Engine: "node" });
    viaNode.setRoutes([route("engine.example", "dep_engine")]);
    viaNode.instances.set("dep_engine", [upstream.instance("eu-1")]);
    // Written, not ended: the server closes the connection after its answer (Connection: close).
    const answer = (head: string) =>
      new Promise<string>((resolve, reject) => {
        const socket = connect(viaNode.port, "127.0.0.1", () => socket.write(head));
        let text = "";
        socket.on("data", (chunk) => {
          text += chunk.toString("latin1");
        });
        socket.once("end", () => resolve(text));
        socket.once("error", reject);
      });
    expect(await answer(get("/via-node", "Connection: close\r\n"))).toContain("GET /via-node");
    // Node's own refusal of the same smuggling shape: a bare 400, no envelope.
    const refused = await answer(
      "POST / HTTP/1.1\r\nHost: engine.example\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    );
    expect(refused).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(refused).not.toContain("requestId");
    await viaNode.close();
  });
});
