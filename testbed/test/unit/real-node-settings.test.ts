import { InvalidSettingError } from "@slipway/shared/tool-errors";
import { describe, expect, it } from "vitest";
import { readSettings } from "../../src/config.js";

describe("real node settings", () => {
  it("are off by default, so test runs keep kwok-only clusters", () => {
    const settings = readSettings({}, "/home/dev");
    expect(settings.realNode).toBe(false);
    expect(settings.realNodeSubnet).toBe("10.245.0.0/24");
  });

  it("SLIPWAY_REAL_NODE=1 turns the node on and allows zero kwok nodes", () => {
    const settings = readSettings(
      { SLIPWAY_REAL_NODE: "1", SLIPWAY_KWOK_NODES: "0", SLIPWAY_REAL_NODE_SUBNET: "10.77.0.0/24" },
      "/home/dev",
    );
    expect(settings).toMatchObject({
      realNode: true,
      kwokNodes: 0,
      realNodeSubnet: "10.77.0.0/24",
    });
  });

  it("names the variable of a bad value", () => {
    expect(() => readSettings({ SLIPWAY_KWOK_NODES: "0" })).toThrow(/SLIPWAY_KWOK_NODES.*1 to 500/);
    expect(() => readSettings({ SLIPWAY_REAL_NODE: "yes" })).toThrow(InvalidSettingError);
    expect(() => readSettings({ SLIPWAY_REAL_NODE_SUBNET: "fd00::/64" })).toThrow(
      /SLIPWAY_REAL_NODE_SUBNET/,
    );
  });
});
