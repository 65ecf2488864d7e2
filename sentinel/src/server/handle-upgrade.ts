import type { IncomingMessage } from "node:http";
import { connect, type Socket } from "node:net";
import type { Duplex } from "node:stream";
import { TLSSocket } from "node:tls";
import { distinctHeaders } from "../request/raw-headers.js";
import { denyResponse } from "../respond/deny-response.js";
import type { Instance } from "../routing/instances.js";
import { log } from "./handle-request.js";
import { prepareRequest } from "./prepare-request.js";
import type { SentinelDeps } from "./sentinel-deps.js";

function connectTo(instance: Instance, timeoutMs: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: instance.address, port: instance.port, noDelay: true });
    const timer = setTimeout(() => socket.destroy(new Error("connect timeout")), timeoutMs);
    socket.once("connect", () => {
      clearTimeout(timer);
      socket.off("error", reject);
      resolve(socket);
    });
    socket.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

/**
 * `Upgrade` requests (WebSocket): the same chain, then the handshake is written to the
 * instance and the two sockets are spliced; the upstream's 101 and every frame pass as bytes.
 */
export function createUpgradeHandler(deps: SentinelDeps, connectTimeoutMs: number) {
  let turn = 0;
  return (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    void upgrade(deps, req, socket, head, turn++, connectTimeoutMs).catch((error: unknown) => {
      deps.onError?.(error, { stage: "upgrade" });
      socket.destroy();
    });
  };
}

async function upgrade(
  deps: SentinelDeps,
  req: IncomingMessage,
  client: Duplex,
  head: Buffer,
  turn: number,
  connectTimeoutMs: number,
) {
  const started = deps.monotonic();
  const time = deps.clock();
  const requestId = deps.newRequestId();
  const headers = distinctHeaders(req.rawHeaders);
  client.on("error", () => client.destroy());
  const prepared = await prepareRequest(
    deps,
    {
      method: req.method ?? "GET",
      url: req.url ?? "/",
      headers,
      peerIp: req.socket.remoteAddress ?? "",
      tls: req.socket instanceof TLSSocket,
      upgrade: true,
      requestId,
    },
    turn,
  );
  const finish = (status: number, outcome: "allowed" | "denied" | "error", instance?: Instance) =>
    log(deps, prepared, {
      time,
      requestId,
      started,
      status,
      upstreamMs: 0,
      instance,
      outcome,
      method: req.method ?? "GET",
      requestHeaders: headers,
      responseHeaders: {},
      requestCapture: undefined,
      responseCapture: undefined,
    });
  const refuse = (response: ReturnType<typeof denyResponse>) => {
    const lines = Object.entries({ ...response.headers, connection: "close" }).map(
      ([name, value]) => `${name}: ${value}\r\n`,
    );
    client.end(
      `HTTP/1.1 ${response.status} ${response.status}\r\n${lines.join("")}\r\n${response.body}`,
    );
  };
  const { result } = prepared;
  if (result.kind === "reject") {
    const response = denyResponse(
      result.code,
      result.detail,
      requestId,
      headers.accept?.[0],
      result.headers,
    );
    refuse(response);
    finish(response.status, result.denial ? "denied" : "error");
    return;
  }
  for (const instance of result.candidates.slice(0, deps.settings.maxAttempts)) {
    let upstream: Socket;
    try {
      upstream = await connectTo(instance, connectTimeoutMs);
    } catch {
      continue; // nothing was sent: the next instance may take it
    }
    const lines = Object.entries(result.headers).flatMap(([name, value]) =>
      value === undefined
        ? [] // removed after planning (a stripped credential)
        : (Array.isArray(value) ? value : [value]).map((v) => `${name}: ${v}\r\n`),
    );
    upstream.write(`${req.method} ${result.target} HTTP/1.1\r\n${lines.join("")}\r\n`);
    if (head.length > 0) upstream.write(head);
    let status = 0;
    upstream.once("data", (chunk: Buffer) => {
      status = Number(
        /^HTTP\/1\.[01] (\d{3})/.exec(chunk.subarray(0, 16).toString("latin1"))?.[1] ?? 0,
      );
    });
    upstream.pipe(client);
    client.pipe(upstream);
    const closed = () => {
      upstream.destroy();
      client.destroy();
    };
    upstream.once("close", closed);
    client.once("close", closed);
    upstream.on("error", closed);
    await new Promise((resolve) => upstream.once("close", resolve));
    finish(status, "allowed", instance);
    return;
  }
  refuse(
    denyResponse("bad_gateway", "The app could not be reached.", requestId, headers.accept?.[0]),
  );
  finish(502, "error");
}
