import { createHash, randomBytes } from "node:crypto";
import http from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket, { WebSocketServer } from "ws";
import { route, startSentinel, startUpstream, type TestSentinel } from "./harness.js";

let sentinel: TestSentinel;
beforeAll(async () => {
  sentinel = await startSentinel();
});
afterAll(async () => {
  await sentinel.close();
});

describe("streaming", () => {
  it("delivers server-sent events as they are sent, before the response ends", async () => {
    let finish!: () => void;
    const done = new Promise<void>((resolve) => {
      finish = resolve;
    });
    const upstream = await startUpstream("sse", async (_req, res) => {
      res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
      res.write("data: one\n\n");
      await done;
      res.end("data: two\n\n");
    });
    sentinel.setRoutes([route("sse.example", "dep_sse")]);
    sentinel.instances.set("dep_sse", [upstream.instance("eu-1")]);
    const first = await new Promise<{ chunk: string; res: http.IncomingMessage }>(
      (resolve, reject) => {
        http
          .get(
            {
              host: "127.0.0.1",
              port: sentinel.port,
              path: "/events",
              headers: { host: "sse.example" },
              agent: false,
            },
            (res) => {
              res.once("data", (chunk: Buffer) => resolve({ chunk: chunk.toString(), res }));
            },
          )
          .on("error", reject);
      },
    );
    // The first event arrived while the upstream still holds the response open.
    expect(first.chunk).toBe("data: one\n\n");
    const rest: string[] = [];
    first.res.on("data", (chunk: Buffer) => rest.push(chunk.toString()));
    const ended = new Promise((resolve) => first.res.on("end", resolve));
    finish();
    await ended;
    expect(rest.join("")).toBe("data: two\n\n");
    await upstream.close();
  });

  it("streams the request body to the upstream while the client is still sending", async () => {
    const firstChunk = new Promise<string>((resolve) => {
      void startUpstream("upload").then((upstream) => {
        upstream.server.removeAllListeners("request");
        upstream.server.on("request", (req: http.IncomingMessage, res: http.ServerResponse) => {
          req.once("data", (chunk: Buffer) => resolve(chunk.toString()));
          req.resume();
          req.on("end", () => res.end("done"));
        });
        sentinel.setRoutes([route("up.example", "dep_up")]);
        sentinel.instances.set("dep_up", [upstream.instance("eu-1")]);
        const req = chunkedPost("up.example", "/upload");
        req.write("part-1;");
        uploads.push(req);
      });
    });
    const uploads: http.ClientRequest[] = [];
    // The upstream sees the first part although the client has not finished the request.
    expect(await firstChunk).toBe("part-1;");
    const response = responseText(uploads[0]!);
    uploads[0]!.end("part-2");
    expect(await response).toBe("done");
  });

  it("relays a large chunked upload byte for byte to a slow reader", async () => {
    const upstream = await startUpstream("big-upload");
    upstream.server.removeAllListeners("request");
    upstream.server.on("request", (req: http.IncomingMessage, res: http.ServerResponse) => {
      const hash = createHash("sha256");
      let bytes = 0;
      // A slow reader: Sentinel's socket to it fills, so its writes must wait and resume.
      req.on("data", (chunk: Buffer) => {
        hash.update(chunk);
        bytes += chunk.length;
        req.pause();
        setTimeout(() => req.resume(), 10);
      });
      req.on("end", () => res.end(`${bytes} ${hash.digest("hex")}`));
    });
    sentinel.setRoutes([route("big.example", "dep_big")]);
    sentinel.instances.set("dep_big", [upstream.instance("eu-1")]);
    const sent = createHash("sha256");
    let total = 0;
    const req = chunkedPost("big.example", "/big");
    const answer = responseText(req);
    // 8 MiB in parts of 16 KiB, more than the sockets' buffers hold while the reader dawdles.
    for (let i = 0; i < 512; i++) {
      const part = randomBytes(16 * 1024);
      sent.update(part);
      total += part.length;
      req.write(part);
    }
    req.end();
    expect(await answer).toBe(`${total} ${sent.digest("hex")}`);
    await upstream.close();
  });

  it("cancels the upstream request when the client disconnects", async () => {
    let upstreamClosed!: () => void;
    const closed = new Promise<void>((resolve) => {
      upstreamClosed = resolve;
    });
    const upstream = await startUpstream("slow", (_req, res) => {
      res.writeHead(200, { "content-type": "text/plain" });
      res.write("started");
      res.on("close", () => upstreamClosed());
    });
    sentinel.setRoutes([route("slow.example", "dep_slow")]);
    sentinel.instances.set("dep_slow", [upstream.instance("eu-1")]);
    await new Promise<void>((resolve) => {
      const req = http.get(
        {
          host: "127.0.0.1",
          port: sentinel.port,
          path: "/",
          headers: { host: "slow.example" },
          agent: false,
        },
        (res) => {
          res.once("data", () => {
            req.destroy();
            resolve();
          });
        },
      );
    });
    await Promise.race([
      closed,
      sleep(3000).then(() => Promise.reject(new Error("upstream never saw the cancel"))),
    ]);
    await upstream.close();
  });

  it("cancels before the upstream answered, too", async () => {
    let upstreamClosed!: () => void;
    const closed = new Promise<void>((resolve) => {
      upstreamClosed = resolve;
    });
    const arrived = new Promise<void>((resolve) => {
      void startUpstream("silent", (req, res) => {
        res.on("close", () => upstreamClosed());
        void req;
      }).then((upstream) => {
        upstream.server.prependListener("request", () => resolve());
        sentinel.setRoutes([route("silent.example", "dep_silent")]);
        sentinel.instances.set("dep_silent", [upstream.instance("eu-1")]);
        const req = http.get({
          host: "127.0.0.1",
          port: sentinel.port,
          path: "/",
          headers: { host: "silent.example" },
          agent: false,
        });
        req.on("error", () => undefined);
        void arrived.then(() => req.destroy());
      });
    });
    await arrived;
    await Promise.race([
      closed,
      sleep(3000).then(() => Promise.reject(new Error("upstream never saw the cancel"))),
    ]);
  });
});

describe("WebSocket", () => {
  it("passes the upgrade and frames both ways, with the policies applied first", async () => {
    const server = http.createServer();
    const wss = new WebSocketServer({ server });
    const handshakes: http.IncomingHttpHeaders[] = [];
    wss.on("connection", (socket, req) => {
      handshakes.push(req.headers);
      socket.on("message", (data) => socket.send(`echo:${data}`));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as { port: number }).port;
    sentinel.setRoutes([
      route("ws.example", "dep_ws", [
        {
          name: "no admin",
          enabled: true,
          match: [{ path: { path: { prefix: "/admin" } } }],
          firewall: { action: "ACTION_DENY" },
        },
      ]),
    ]);
    sentinel.instances.set("dep_ws", [{ id: "ws", address: "127.0.0.1", port, region: "eu-1" }]);

    const client = new WebSocket(`ws://127.0.0.1:${sentinel.port}/socket`, {
      headers: { host: "ws.example" },
    });
    await new Promise((resolve, reject) => client.once("open", resolve).once("error", reject));
    const replies: string[] = [];
    const two = new Promise<void>((resolve) =>
      client.on("message", (data) => {
        replies.push(String(data));
        if (replies.length === 2) resolve();
      }),
    );
    client.send("a");
    client.send("b");
    await two;
    expect(replies).toEqual(["echo:a", "echo:b"]);
    expect(handshakes[0]?.["x-forwarded-for"]).toBe("127.0.0.1");
    client.close();

    const denied = new WebSocket(`ws://127.0.0.1:${sentinel.port}/%61dmin`, {
      headers: { host: "ws.example" },
    });
    const status = await new Promise<number>((resolve) =>
      denied.once("unexpected-response", (_req, res) => resolve(res.statusCode!)),
    );
    expect(status).toBe(403);
    expect(handshakes).toHaveLength(1);
    wss.close();
    server.close();
  });
});

/** A POST to Sentinel for `host` whose body is sent chunked, as it is written. */
function chunkedPost(host: string, path: string): http.ClientRequest {
  return http.request({
    host: "127.0.0.1",
    port: sentinel.port,
    method: "POST",
    path,
    headers: { host, "transfer-encoding": "chunked" },
    agent: false,
  });
}

/** The response body to `req` as text. */
function responseText(req: http.ClientRequest): Promise<string> {
  return new Promise((resolve, reject) => {
    req.once("error", reject);
    req.once("response", (res) => {
      let text = "";
      res.on("data", (chunk: Buffer) => {
        text += chunk;
      });
      res.on("end", () => resolve(text));
    });
  });
}
