import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "./config.js";

const valid = {
  DATABASE_URL: "postgres://localhost/slipway",
  REDIS_URL: "redis://localhost:6379",
  SLIPWAY_ENCRYPTION_KEYS: `v2:${Buffer.alloc(32, 2).toString("base64")},v1:${Buffer.alloc(32, 1).toString("base64")}`,
};

describe("configuration", () => {
  it("parses keys newest first and applies defaults", () => {
    const config = loadConfig(valid);
    expect(config.SLIPWAY_ENCRYPTION_KEYS.map((key) => key.version)).toEqual([2, 1]);
    expect(config.SLIPWAY_REGIONS).toEqual(["eu-1", "us-1"]);
    expect(config.PORT).toBe(7070);
  });

  it("idles previews after an hour by default and wants a long Sentinel token, never echoing it", () => {
    expect(loadConfig(valid)).toMatchObject({
      SLIPWAY_PREVIEW_IDLE_AFTER_MS: 3_600_000,
      SLIPWAY_PREVIEW_IDLE_CHECK_MS: 60_000,
    });
    expect(loadConfig(valid).SLIPWAY_SENTINEL_TOKEN).toBeUndefined();
    expect(() => loadConfig({ ...valid, SLIPWAY_SENTINEL_TOKEN: "too-short-secret" })).toThrow(
      /SLIPWAY_SENTINEL_TOKEN[\s\S]*at least 32 characters/,
    );
    try {
      loadConfig({ ...valid, SLIPWAY_SENTINEL_TOKEN: "too-short-secret" });
    } catch (error) {
      expect((error as Error).message).not.toContain("too-short-secret");
    }
  });

  it("names every bad variable in one message", () => {
    let message = "";
    try {
      loadConfig({
        ...valid,
        DATABASE_URL: undefined,
        PORT: "not-a-port",
        SLIPWAY_ENCRYPTION_KEYS: "v1:c2hvcnQ=",
      });
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      message = (error as Error).message;
    }
    expect(message).toContain("DATABASE_URL");
    expect(message).toContain("PORT");
    expect(message).toContain("SLIPWAY_ENCRYPTION_KEYS");
    expect(message).toContain("not 32");
    expect(message).not.toContain("c2hvcnQ=");
  });

  it("reads the queues a process works on: a list, none, or a clear error", () => {
    expect(loadConfig(valid).SLIPWAY_WORKER_QUEUES).toBeUndefined();
    expect(loadConfig({ ...valid, SLIPWAY_WORKER_QUEUES: "builds" }).SLIPWAY_WORKER_QUEUES).toEqual(
      ["builds"],
    );
    expect(
      loadConfig({ ...valid, SLIPWAY_WORKER_QUEUES: "github, deployments" }).SLIPWAY_WORKER_QUEUES,
    ).toEqual(["github", "deployments"]);
    expect(loadConfig({ ...valid, SLIPWAY_WORKER_QUEUES: "none" }).SLIPWAY_WORKER_QUEUES).toEqual(
      [],
    );
    for (const bad of ["", "bilds", "github,"]) {
      expect(() => loadConfig({ ...valid, SLIPWAY_WORKER_QUEUES: bad })).toThrow(
        /SLIPWAY_WORKER_QUEUES/,
      );
    }
  });
});
