import { describe, expect, it } from "vitest";
import { ConfigError, defaultConfig, readConfig } from "./config.js";

describe("readConfig", () => {
  it("uses the defaults when nothing is set", () => {
    expect(readConfig({}, "host-1")).toEqual({
      ...defaultConfig,
      leaderElection: { ...defaultConfig.leaderElection, identity: "host-1" },
    });
  });

  it("reads every variable", () => {
    const config = readConfig(
      {
        SLIPWAY_SENTINEL_NAMESPACE: "edge",
        SLIPWAY_DISK_MODE: "ephemeral",
        SLIPWAY_DISK_STORAGE_CLASS: "fast",
        SLIPWAY_RUN_AS_NON_ROOT: "false",
        SLIPWAY_WATCH_NAMESPACE: "apps",
        SLIPWAY_WORKERS: "4",
        SLIPWAY_METRICS_PORT: "9100",
        SLIPWAY_WAIT_GRACE_SECONDS: "45",
        SLIPWAY_LEADER_ELECTION: "0",
        SLIPWAY_OPERATOR_NAMESPACE: "ops",
        SLIPWAY_LEASE_NAME: "op",
        POD_NAME: "op-0",
        SLIPWAY_LEASE_DURATION_SECONDS: "30",
        SLIPWAY_LEASE_RENEW_MS: "1000",
        SLIPWAY_INSTALL_CRDS: "true",
      },
      "host-1",
    );
    expect(config).toEqual({
      sentinelNamespace: "edge",
      diskMode: "ephemeral",
      diskStorageClass: "fast",
      runAsNonRoot: false,
      watchNamespace: "apps",
      workers: 4,
      metricsPort: 9100,
      waitGraceSeconds: 45,
      leaderElection: {
        enabled: false,
        namespace: "ops",
        leaseName: "op",
        identity: "op-0",
        leaseDurationSeconds: 30,
        renewIntervalMs: 1000,
      },
      installCrds: true,
    });
  });

  it.each([
    ["SLIPWAY_DISK_MODE", "floppy"],
    ["SLIPWAY_WORKERS", "0"],
    ["SLIPWAY_METRICS_PORT", "http"],
    ["SLIPWAY_RUN_AS_NON_ROOT", "maybe"],
    ["SLIPWAY_LEASE_DURATION_SECONDS", "1.5"],
    ["SLIPWAY_WAIT_GRACE_SECONDS", "-1"],
  ])("rejects %s=%s naming the variable", (name, value) => {
    expect(() => readConfig({ [name]: value }, "h")).toThrow(ConfigError);
    expect(() => readConfig({ [name]: value }, "h")).toThrow(name);
  });
});
