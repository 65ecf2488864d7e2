import net, { type AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { rawRequest, route, startSentinel } from "./harness.js";

/**
 * What Sentinel does with what an app writes on the wire: an app is a tenant's code, so its
 * responses are as untrusted as a client's requests. Each upstream here is a bare TCP server
 * answering every request on a connection with the bytes the test gives (or a function of the
 * connection's request count).
 */
/** Bytes to write; `end`: close the connection after them. Undefined: close without a word. */
type Reply = string | { bytes: string; end: true } | undefined;

async function rawUpstream(answer: (request: string, index: number) => Reply) {
  const sockets: net.Socket[] = [];
  let connections = 0;
  const server = net.createServer((socket) => {
    connections += 1;
    sockets.push(socket);
    let index = 0;
    let buffered = "";
    socket.on("data", (chunk) => {
      buffered += chunk.toString("latin1");
      for (;;) {
        const end = buffered.indexOf("\r\n\r\n");
        if (end < 0) return;
        const request = buffered.slice(0, end);
        buffered = buffered.slice(end + 4);
        const reply = answer(request, index++);
        if (reply === undefined) socket.destroy();
        else if (typeof reply === "string") socket.write(reply, "latin1");
        else socket.end(reply.bytes, "latin1");
      }
    });
    socket.on("error", () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    instance: { id: "raw-app", address: "127.0.0.1", port, region: "eu-1" },
    connections: () => connections,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

async function throughSentinel(
  answer: (request: string, index: number) => Reply,
  requests: { method?: string; path?: string }[] = [{}],
) {
  const sentinel = await startSentinel();
  const upstream = await rawUpstream(answer);
  sentinel.setRoutes([route("raw.example", "dep_raw")]);
  sentinel.instances.set("dep_raw", [upstream.instance]);
  try {
    const responses = [];
    for (const request of requests) {
      responses.push(
        await rawRequest(sentinel.port, {
          method: request.method ?? "GET",
          path: request.path ?? "/",
          headers: { host: "raw.example" },
        }),
      );
    }
    return { responses, connections: upstream.connections(), logs: sentinel.logs };
  } finally {
    await sentinel.close();
    await upstream.close();
  }
}

describe("responses framed by Sentinel's own HTTP/1.1 parser", () => {
  it("relays a chunked body decoded, and reuses the connection after it", async () => {
    const { responses, connections } = await throughSentinel(
      () =>
        "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n7\r\n, world\r\n0\r\n\r\n",
      [{}, {}, {}],
    );
    expect(responses.map((r) => [r.status, r.body])).toEqual([
      [200, "hello, world"],
      [200, "hello, world"],
      [200, "hello, world"],
    ]);
    expect(connections).toBe(1);
  });

  it("skips 1xx heads and relays the final response", async () => {
    const { responses } = await throughSentinel(
      () =>
        "HTTP/1.1 103 Early Hints\r\nlink: </a.css>; rel=preload\r\n\r\nHTTP/1.1 201 Created\r\ncontent-length: 2\r\n\r\nok",
    );
    expect([responses[0]!.status, responses[0]!.body]).toEqual([201, "ok"]);
  });

  it("reads a body that ends when the app closes, and opens a new connection next", async () => {
    const { responses, connections } = await throughSentinel(
      () => ({
        bytes: "HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\n\r\nuntil close",
        end: true,
      }),
      [{}, {}],
    );
    expect(responses.map((r) => [r.status, r.body])).toEqual([
      [200, "until close"],
      [200, "until close"],
    ]);
    expect(connections).toBe(2);
  });

  it("sends a GET again on a new connection when the app closed the kept-alive one unanswered", async () => {
    const ok = "HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok";
    // Every connection answers its first request and drops the second: an idle close racing
    // the next request.
    const { responses, connections } = await throughSentinel(
      (_request, index) => (index === 0 ? ok : undefined),
      [{}, {}, {}],
    );
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(connections).toBe(3);
  });

  it("does not send a POST twice: a dropped kept-alive connection is a 502", async () => {
    const ok = "HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok";
    const seen: string[] = [];
    const { responses } = await throughSentinel(
      (request, index) => {
        seen.push(request.slice(0, request.indexOf(" ")));
        return index === 0 ? ok : undefined;
      },
      [{ method: "POST" }, { method: "POST" }],
    );
    expect(responses.map((r) => r.status)).toEqual([200, 502]);
    expect(seen).toEqual(["POST", "POST"]);
  });

  it("answers HEAD without waiting for the body its Content-Length announces", async () => {
    const { responses, connections } = await throughSentinel(
      () => "HTTP/1.1 200 OK\r\ncontent-length: 1000\r\n\r\n",
      [{ method: "HEAD" }, { method: "HEAD" }],
    );
    expect(responses.map((r) => [r.status, r.headers["content-length"], r.body])).toEqual([
      [200, "1000", ""],
      [200, "1000", ""],
    ]);
    expect(connections).toBe(1);
  });

  it.each([
    [
      "Content-Length and Transfer-Encoding together",
      "HTTP/1.1 200 OK\r\ncontent-length: 5\r\ntransfer-encoding: chunked\r\n\r\n0\r\n\r\n",
    ],
    [
      "two different Content-Lengths",
      "HTTP/1.1 200 OK\r\ncontent-length: 2\r\ncontent-length: 3\r\n\r\nabc",
    ],
    ["a folded header line", "HTTP/1.1 200 OK\r\nx-a: 1\r\n folded\r\ncontent-length: 0\r\n\r\n"],
    ["a bare LF line ending", "HTTP/1.1 200 OK\ncontent-length: 0\n\n"],
    ["a header with a NUL byte", "HTTP/1.1 200 OK\r\nx-a: a\u0000b\r\ncontent-length: 0\r\n\r\n"],
    ["no status line at all", "hello\r\n\r\n"],
  ])(
    "answers 502 to a response with %s, and never reuses that connection",
    async (_name, reply) => {
      const { responses, connections, logs } = await throughSentinel(() => reply, [{}, {}]);
      expect(responses.map((r) => r.status)).toEqual([502, 502]);
      expect(responses[0]!.body).toContain("bad_gateway");
      expect(connections).toBe(2);
      expect(logs.filter((log) => log.status === 502)).toHaveLength(2);
    },
  );

  it("cuts the client's connection when a chunked body turns malformed after the head went out", async () => {
    const sentinel = await startSentinel();
    const upstream = await rawUpstream(
      () =>
        "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5\r\nhello\r\n0x5\r\nworld\r\n0\r\n\r\n",
    );
    sentinel.setRoutes([route("raw.example", "dep_raw")]);
    sentinel.instances.set("dep_raw", [upstream.instance]);
    const get = () => rawRequest(sentinel.port, { path: "/", headers: { host: "raw.example" } });
    // The 200 head was already relayed: the client must see a cut, never a clean short body.
    await expect(get()).rejects.toThrow(/socket hang up|aborted|ECONNRESET/);
    await expect(get()).rejects.toThrow(/socket hang up|aborted|ECONNRESET/);
    expect(upstream.connections()).toBe(2);
    await sentinel.close();
    await upstream.close();
  });
});
