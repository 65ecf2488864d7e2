import { describe, expect, it } from "vitest";
import { loadConfig, watchesCluster } from "./config.js";

describe("loadConfig", () => {
  it("applies defaults", () => {
    const config = loadConfig({
      SLIPWAY_REGION: "eu-1",
      SENTINEL_CONFIG_FILE: "/etc/sentinel.json",
      SLIPWAY_REGION_PROXIMITY: "us-1, ap-1",
    });
    expect(config).toMatchObject({
      SENTINEL_PORT: 8080,
      SLIPWAY_REGION_PROXIMITY: ["us-1", "ap-1"],
      SENTINEL_TRUSTED_PROXIES: [],
      SENTINEL_STRIP_CREDENTIALS: true,
      SENTINEL_KEEP_ALIVE_TIMEOUT_MS: 5000,
      SENTINEL_UPSTREAM_KEEP_ALIVE_MS: 4000,
    });
  });
  it("names every bad variable", () => {
    expect(() =>
      loadConfig({
        SLIPWAY_REGION: "EU 1",
        SENTINEL_PORT: "http",
        SENTINEL_TRUSTED_PROXIES: "10.0.0.0/8,localhost",
      }),
    ).toThrow(/SLIPWAY_REGION:[\s\S]*SENTINEL_PORT:[\s\S]*SENTINEL_TRUSTED_PROXIES\.1:/);
  });
  it("takes routes from exactly one of the database and a file; the database needs Redis", () => {
    expect(() => loadConfig({ SLIPWAY_REGION: "eu-1" })).toThrow(/DATABASE_URL: set exactly one/);
    expect(() =>
      loadConfig({
        SLIPWAY_REGION: "eu-1",
        SENTINEL_CONFIG_FILE: "/etc/sentinel.json",
        DATABASE_URL: "postgres://localhost/slipway",
      }),
    ).toThrow(/DATABASE_URL: set exactly one/);
    expect(() =>
      loadConfig({ SLIPWAY_REGION: "eu-1", DATABASE_URL: "postgres://localhost/slipway" }),
    ).toThrow(/REDIS_URL: is required/);
    expect(
      loadConfig({
        SLIPWAY_REGION: "eu-1",
        DATABASE_URL: "postgres://localhost/slipway",
        REDIS_URL: "redis://localhost:6379",
      }),
    ).toMatchObject({ SLIPWAY_QUEUE_PREFIX: "slipway" });
  });
  it("wakes idle deployments after 30 s by default, and wants the control plane's URL and token together", () => {
    const base = { SLIPWAY_REGION: "eu-1", SENTINEL_CONFIG_FILE: "/etc/sentinel.json" };
    expect(loadConfig(base)).toMatchObject({
      SENTINEL_WAKE_TIMEOUT_MS: 30_000,
      SENTINEL_LAST_REQUEST_INTERVAL_MS: 10_000,
      SLIPWAY_QUEUE_PREFIX: "slipway",
    });
    expect(() =>
      loadConfig({ ...base, SENTINEL_CONTROL_PLANE_URL: "http://control-plane:7070" }),
    ).toThrow(/SENTINEL_CONTROL_PLANE_TOKEN: required/);
    expect(() => loadConfig({ ...base, SENTINEL_CONTROL_PLANE_TOKEN: "short" })).toThrow(
      /SENTINEL_CONTROL_PLANE_TOKEN: must be at least 32 characters/,
    );
  });
  it("watches EndpointSlices with a kubeconfig or in a pod, in the apps namespace when given", () => {
    const base = { SLIPWAY_REGION: "eu-1", SENTINEL_CONFIG_FILE: "/etc/sentinel.json" };
    expect(watchesCluster(loadConfig(base))).toBe(false);
    expect(watchesCluster(loadConfig({ ...base, KUBECONFIG: "/kube/config" }))).toBe(true);
    const inPod = loadConfig({
      ...base,
      SENTINEL_IN_CLUSTER: "true",
      SLIPWAY_APPS_NAMESPACE: "slipway-apps",
    });
    expect(watchesCluster(inPod)).toBe(true);
    expect(inPod.SLIPWAY_APPS_NAMESPACE).toBe("slipway-apps");
    expect(() => loadConfig({ ...base, SENTINEL_IN_CLUSTER: "yes" })).toThrow(
      /SENTINEL_IN_CLUSTER:/,
    );
    expect(() => loadConfig({ ...base, SLIPWAY_APPS_NAMESPACE: "Apps/../x" })).toThrow(
      /SLIPWAY_APPS_NAMESPACE: must be a namespace name/,
    );
  });
});

describe("watchesCluster in a pod", () => {
  it("watches EndpointSlices in a pod unless fixed instances are named", () => {
    const database = {
      SLIPWAY_REGION: "eu-1",
      DATABASE_URL: "postgres://db/x",
      REDIS_URL: "redis://r",
    };
    const inPod = { KUBERNETES_SERVICE_HOST: "10.96.0.1" };
    expect(watchesCluster(loadConfig({ ...database, ...inPod }))).toBe(true);
    expect(watchesCluster(loadConfig({ ...database, ...inPod, SENTINEL_INSTANCES: "{}" }))).toBe(
      false,
    );
    expect(watchesCluster(loadConfig(database))).toBe(false);
  });
});
