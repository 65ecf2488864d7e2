import type { Socket } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { rawRequest, route, startSentinel, startUpstream } from "./harness.js";

describe("upstream keep-alive", () => {
  it("reuses one connection and closes it itself when idle, before the app's keep-alive would", async () => {
    const sentinel = await startSentinel({ upstreamKeepAliveMs: 300 });
    const upstream = await startUpstream("app");
    upstream.server.keepAliveTimeout = 5000; // Node's default
    const connections: { closedAt?: number }[] = [];
    upstream.server.on("connection", (socket: Socket) => {
      const entry: { closedAt?: number } = {};
      connections.push(entry);
      socket.once("close", () => {
        entry.closedAt = Date.now();
      });
    });
    sentinel.setRoutes([route("ka.example", "dep_ka")]);
    sentinel.instances.set("dep_ka", [upstream.instance("eu-1")]);
    for (let i = 0; i < 5; i++) {
      expect(
        (await rawRequest(sentinel.port, { path: `/${i}`, headers: { host: "ka.example" } }))
          .status,
      ).toBe(200);
    }
    const lastRequest = Date.now();
    expect(connections).toHaveLength(1);
    await sleep(1500);
    // Closed by Sentinel after ~300 ms idle, long before the app's 5 s.
    expect(connections[0]!.closedAt).toBeDefined();
    expect(connections[0]!.closedAt! - lastRequest).toBeLessThan(1500);
    await sentinel.close();
    await upstream.close();
  });
});
