import http2 from "node:http2";
import type { AddressInfo } from "node:net";
import * as grpc from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closedPort, route, startSentinel, type TestSentinel } from "./harness.js";

// A service defined without .proto files: JSON messages, so the test needs no codegen.
const json = {
  serialize: (value: unknown) => Buffer.from(JSON.stringify(value)),
  deserialize: (bytes: Buffer) => JSON.parse(bytes.toString()),
};
const service = {
  echo: {
    path: "/test.Echo/Echo",
    requestStream: false,
    responseStream: false,
    requestSerialize: json.serialize,
    requestDeserialize: json.deserialize,
    responseSerialize: json.serialize,
    responseDeserialize: json.deserialize,
  },
  fail: {
    path: "/test.Echo/Fail",
    requestStream: false,
    responseStream: false,
    requestSerialize: json.serialize,
    requestDeserialize: json.deserialize,
    responseSerialize: json.serialize,
    responseDeserialize: json.deserialize,
  },
  chat: {
    path: "/test.Echo/Chat",
    requestStream: true,
    responseStream: true,
    requestSerialize: json.serialize,
    requestDeserialize: json.deserialize,
    responseSerialize: json.serialize,
    responseDeserialize: json.deserialize,
  },
} satisfies grpc.ServiceDefinition;

const Client = grpc.makeGenericClientConstructor(service, "Echo");

let sentinel: TestSentinel;
let server: grpc.Server;
const seenMetadata: grpc.Metadata[] = [];

beforeAll(async () => {
  server = new grpc.Server();
  server.addService(service, {
    echo: (
      call: grpc.ServerUnaryCall<{ text: string }, unknown>,
      callback: grpc.sendUnaryData<unknown>,
    ) => {
      seenMetadata.push(call.metadata);
      callback(null, { text: `echo:${call.request.text}` });
    },
    fail: (
      _call: grpc.ServerUnaryCall<unknown, unknown>,
      callback: grpc.sendUnaryData<unknown>,
    ) => {
      callback({ code: grpc.status.FAILED_PRECONDITION, details: "not today" });
    },
    chat: (call: grpc.ServerDuplexStream<{ text: string }, unknown>) => {
      call.on("data", (message: { text: string }) => call.write({ text: `re:${message.text}` }));
      call.on("end", () => {
        const trailer = new grpc.Metadata();
        trailer.set("x-summary", "bye");
        call.end(trailer);
      });
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    ),
  );
  sentinel = await startSentinel();
  sentinel.setRoutes([route("grpc.example", "dep_grpc", [], "h2c")]);
  sentinel.instances.set("dep_grpc", [
    { id: "grpc-1", address: "127.0.0.1", port, region: "eu-1" },
  ]);
});

afterAll(async () => {
  await sentinel.close();
  server.forceShutdown();
});

function client() {
  return new Client(`127.0.0.1:${sentinel.port}`, grpc.credentials.createInsecure(), {
    "grpc.default_authority": "grpc.example",
  }) as unknown as grpc.Client & Record<string, (...args: unknown[]) => unknown>;
}

describe("gRPC through Sentinel (h2c)", () => {
  it("unary: the response and grpc-status trailers pass", async () => {
    const c = client();
    const metadata = new grpc.Metadata();
    metadata.set("x-tenant", "acme");
    const reply = await new Promise<{ text: string }>((resolve, reject) =>
      c.echo!(
        { text: "hi" },
        metadata,
        (error: grpc.ServiceError | null, value: { text: string }) =>
          error ? reject(error) : resolve(value),
      ),
    );
    expect(reply).toEqual({ text: "echo:hi" });
    const seen = seenMetadata.at(-1)!;
    expect(seen.get("x-tenant")).toEqual(["acme"]);
    expect(seen.get("x-forwarded-for")).toEqual(["127.0.0.1"]);
    c.close();
  });

  it("unary: a refused connect moves on to the next instance", async () => {
    const live = sentinel.instances.instances("dep_grpc").get("eu-1")!;
    sentinel.instances.set("dep_grpc", [
      { id: "dead", address: "127.0.0.1", port: await closedPort(), region: "eu-1" },
      ...live,
    ]);
    const c = client();
    for (let i = 0; i < 3; i++) {
      const reply = await new Promise<{ text: string }>((resolve, reject) =>
        c.echo!({ text: `r${i}` }, (error: grpc.ServiceError | null, value: { text: string }) =>
          error ? reject(error) : resolve(value),
        ),
      );
      expect(reply.text).toBe(`echo:r${i}`);
    }
    sentinel.instances.set("dep_grpc", [...live]);
    c.close();
  });

  it("unary: an error status travels in the trailers", async () => {
    const c = client();
    const error = await new Promise<grpc.ServiceError>((resolve) =>
      c.fail!({}, (err: grpc.ServiceError) => resolve(err)),
    );
    expect(`${error.code} ${error.details}`).toBe(`${grpc.status.FAILED_PRECONDITION} not today`);
    expect(error.details).toBe("not today");
    c.close();
  });

  it("bidirectional streaming: replies arrive while the client is still sending, trailers at the end", async () => {
    const c = client();
    const call = c.chat!() as grpc.ClientDuplexStream<{ text: string }, { text: string }>;
    const replies: string[] = [];
    const trailers = new Promise<grpc.StatusObject>((resolve) => call.on("status", resolve));
    const firstReply = new Promise<void>((resolve) =>
      call.on("data", (message: { text: string }) => {
        replies.push(message.text);
        resolve();
      }),
    );
    call.write({ text: "one" });
    await firstReply; // answered before the client half-closed
    call.write({ text: "two" });
    call.end();
    const status = await trailers;
    expect(replies).toEqual(["re:one", "re:two"]);
    expect(status.code).toBe(grpc.status.OK);
    expect(status.metadata.get("x-summary")).toEqual(["bye"]);
    c.close();
  });
});

describe("h2c with a plain node:http2 upstream", () => {
  it("TE: trailers reaches the upstream and its trailers reach the client", async () => {
    const seen: http2.IncomingHttpHeaders[] = [];
    const upstream = http2.createServer((req, res) => {
      seen.push(req.headers);
      res.writeHead(200, { "content-type": "text/plain" });
      res.addTrailers({ "x-checksum": "abc" });
      res.end("body");
    });
    await new Promise<void>((resolve) => upstream.listen(0, "127.0.0.1", resolve));
    sentinel.setRoutes([route("h2.example", "dep_h2", [], "h2c")]);
    sentinel.instances.set("dep_h2", [
      {
        id: "h2",
        address: "127.0.0.1",
        port: (upstream.address() as AddressInfo).port,
        region: "eu-1",
      },
    ]);
    const session = http2.connect(`http://127.0.0.1:${sentinel.port}`);
    const stream = session.request({
      ":path": "/t?x=1",
      ":authority": "h2.example",
      te: "trailers",
      connection: undefined as never,
    });
    const trailers = new Promise<http2.IncomingHttpHeaders>((resolve) =>
      stream.once("trailers", resolve),
    );
    let body = "";
    stream.on("data", (chunk: Buffer) => {
      body += chunk;
    });
    stream.end();
    expect((await trailers)["x-checksum"]).toBe("abc");
    expect(body).toBe("body");
    expect(seen[0]).toMatchObject({
      te: "trailers",
      ":path": "/t?x=1",
      ":authority": "h2.example",
      "x-forwarded-for": "127.0.0.1",
    });
    session.close();
    upstream.close();
  });
});
