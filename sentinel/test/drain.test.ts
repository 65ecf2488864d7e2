import http from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { rawRequest, route, startSentinel, startUpstream } from "./harness.js";

describe("graceful drain", () => {
  it("lets in-flight requests finish and refuses new connections", async () => {
    const sentinel = await startSentinel();
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const upstream = await startUpstream("slow", async (_req, res) => {
      await held;
      res.end("finished");
    });
    sentinel.setRoutes([route("drain.example", "dep_drain")]);
    sentinel.instances.set("dep_drain", [upstream.instance("eu-1")]);

    const inFlight = rawRequest(sentinel.port, { path: "/", headers: { host: "drain.example" } });
    await sleep(100);
    const drained = sentinel.server.drain(5000);
    await sleep(50);
    const refused = await new Promise<string>((resolve) => {
      http
        .get({ host: "127.0.0.1", port: sentinel.port, path: "/", agent: false }, () =>
          resolve("answered"),
        )
        .on("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? "error"));
    });
    expect(refused).toBe("ECONNREFUSED");
    release();
    const response = await inFlight;
    expect(response.body).toBe("finished");
    expect(response.headers.connection).toBe("close");
    await drained;
    await sentinel.close();
    await upstream.close();
  });
});
