import { describe, expect, it } from "vitest";
import { controlPlaneEnv, operatorEnv, sentinelEnv } from "./service-env.js";
import { LOCAL_PREVIEW_DOMAIN, makeStartPlan } from "./start-plan.js";

describe("makeStartPlan", () => {
  it("without KUBECONFIG starts the testbed with the real node, whose registry the images use", () => {
    const plan = makeStartPlan({});
    expect(plan.cluster).toEqual({ kind: "testbed", realNode: true });
    expect(plan.registry).toBe("real-node");
    expect(plan.services).toEqual([
      "postgres",
      "redis",
      "cluster",
      "buildkitd",
      "operator",
      "control-plane",
      "sentinel",
    ]);
  });

  it("with KUBECONFIG uses that cluster and starts a registry of its own before buildkitd", () => {
    const plan = makeStartPlan({ KUBECONFIG: "/home/me/.kube/config" });
    expect(plan.cluster).toEqual({ kind: "existing", kubeconfig: "/home/me/.kube/config" });
    expect(plan.registry).toBe("own");
    expect(plan.services).toEqual([
      "postgres",
      "redis",
      "cluster",
      "registry",
      "buildkitd",
      "operator",
      "control-plane",
      "sentinel",
    ]);
  });

  it("an empty KUBECONFIG counts as unset", () => {
    expect(makeStartPlan({ KUBECONFIG: " " }).cluster.kind).toBe("testbed");
  });

  it("every service starts after what it needs and before what needs it", () => {
    for (const env of [{}, { KUBECONFIG: "/k" }]) {
      const order = makeStartPlan(env).services;
      const before = (a: string, b: string) =>
        order.indexOf(a as never) < order.indexOf(b as never);
      expect(before("postgres", "control-plane")).toBe(true);
      expect(before("redis", "control-plane")).toBe(true);
      expect(before("cluster", "operator")).toBe(true);
      expect(before("buildkitd", "control-plane")).toBe(true);
      expect(before("operator", "control-plane")).toBe(true);
      // Sentinel wakes deployments through the API, so the API is up first.
      expect(before("control-plane", "sentinel")).toBe(true);
      expect(new Set(order).size).toBe(order.length);
    }
  });

  it("deployments get .localhost hostnames unless a preview domain is set", () => {
    expect(makeStartPlan({}).previewDomain).toBe(LOCAL_PREVIEW_DOMAIN);
    expect(LOCAL_PREVIEW_DOMAIN.endsWith(".localhost")).toBe(true);
    expect(makeStartPlan({ SLIPWAY_PREVIEW_DOMAIN: "apps.example.com" }).previewDomain).toBe(
      "apps.example.com",
    );
  });

  it("Sentinel listens on 8080 unless SENTINEL_PORT says otherwise; a bad port names the variable", () => {
    expect(makeStartPlan({}).sentinelPort).toBe(8080);
    expect(makeStartPlan({ SENTINEL_PORT: "9000" }).sentinelPort).toBe(9000);
    expect(() => makeStartPlan({ SENTINEL_PORT: "http" })).toThrow(/SENTINEL_PORT/);
    expect(() => makeStartPlan({ SENTINEL_PORT: "70000" })).toThrow(/SENTINEL_PORT/);
  });
});

describe("service environments", () => {
  const backing = { databaseUrl: "postgres://db", redisUrl: "redis://r", kubeconfig: "/k" };

  it("the control plane and Sentinel share the wake token, and the wiring beats the user's env", () => {
    const user = {
      DATABASE_URL: "postgres://elsewhere",
      SLIPWAY_REGIONS: "us-1",
      LOG_LEVEL: "warn",
    };
    const cp = controlPlaneEnv(user, {
      ...backing,
      encryptionKeys: "v1:x",
      sentinelToken: "t".repeat(40),
      buildkitAddr: "unix:///b.sock",
      registryHost: "127.0.0.1:5000",
      previewDomain: "slipway.localhost",
      sentinelPort: 8080,
    });
    expect(cp.DATABASE_URL).toBe("postgres://db");
    expect(cp.SLIPWAY_REGIONS).toBe("us-1");
    expect(cp.LOG_LEVEL).toBe("warn");
    expect(cp.SLIPWAY_REGISTRY).toBe("127.0.0.1:5000");
    expect(cp.SLIPWAY_PREVIEW_DOMAIN).toBe("slipway.localhost");
    // The URLs a deployment lists reach Sentinel: http, and its port.
    expect([cp.SLIPWAY_APP_URL_SCHEME, cp.SLIPWAY_APP_URL_PORT]).toEqual(["http", "8080"]);
    const sentinel = sentinelEnv(user, {
      ...backing,
      port: 8080,
      controlPlaneUrl: "http://127.0.0.1:7070",
      sentinelToken: "t".repeat(40),
    });
    expect(sentinel.SENTINEL_CONTROL_PLANE_TOKEN).toBe(cp.SLIPWAY_SENTINEL_TOKEN);
    expect(sentinel.SENTINEL_CONTROL_PLANE_URL).toBe("http://127.0.0.1:7070");
    expect(sentinel.SENTINEL_HOST).toBe("127.0.0.1");
    expect([sentinel.SENTINEL_ADMIN_HOST, sentinel.SENTINEL_ADMIN_PORT]).toEqual([
      "127.0.0.1",
      "0",
    ]);
    expect(sentinel.SLIPWAY_REGION).toBe("eu-1");
  });

  it("a local control plane deploys to the real node's region only", () => {
    const cp = controlPlaneEnv(
      {},
      {
        ...backing,
        encryptionKeys: "v1:x",
        sentinelToken: "t",
        buildkitAddr: "unix:///b",
        registryHost: "r",
        previewDomain: "p",
        sentinelPort: 8080,
      },
    );
    expect(cp.SLIPWAY_REGIONS).toBe("eu-1");
  });

  it("the one local operator installs the CRDs and waits for no Lease", () => {
    const env = operatorEnv({}, { kubeconfig: "/k", metricsPort: 9100, appsNamespace: "apps" });
    expect(env).toMatchObject({
      KUBECONFIG: "/k",
      SLIPWAY_INSTALL_CRDS: "true",
      SLIPWAY_LEADER_ELECTION: "false",
      SLIPWAY_WATCH_NAMESPACE: "apps",
      SLIPWAY_METRICS_PORT: "9100",
    });
  });
});
