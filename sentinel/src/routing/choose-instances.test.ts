import { describe, expect, it } from "vitest";
import { chooseInstances } from "./choose-instances.js";
import type { Instance } from "./instances.js";

const at = (region: string, n: number): Instance => ({
  id: `${region}-${n}`,
  address: `10.0.0.${n}`,
  port: 8080,
  region,
});
const regions = (entries: [string, Instance[]][]) => new Map(entries);
const ids = (list: Instance[]) => list.map((instance) => instance.id);

describe("chooseInstances", () => {
  const preference = { own: "eu-1", proximity: ["eu-2", "us-1"] };

  it("own region first, round robin by turn, then the others", () => {
    const byRegion = regions([
      ["us-1", [at("us-1", 1)]],
      ["eu-1", [at("eu-1", 1), at("eu-1", 2)]],
    ]);
    expect(ids(chooseInstances(byRegion, preference, 0))).toEqual(["eu-1-1", "eu-1-2", "us-1-1"]);
    expect(ids(chooseInstances(byRegion, preference, 1))).toEqual(["eu-1-2", "eu-1-1", "us-1-1"]);
  });

  it("falls back to the nearest region with ready instances, never one with none", () => {
    const byRegion = regions([
      ["eu-1", []],
      ["eu-2", []],
      ["us-1", [at("us-1", 1)]],
      ["ap-1", [at("ap-1", 1)]],
    ]);
    expect(ids(chooseInstances(byRegion, preference, 7))).toEqual(["us-1-1", "ap-1-1"]);
  });

  it("orders unlisted regions by name", () => {
    const byRegion = regions([
      ["us-2", [at("us-2", 1)]],
      ["ap-1", [at("ap-1", 1)]],
    ]);
    expect(ids(chooseInstances(byRegion, preference, 0))).toEqual(["ap-1-1", "us-2-1"]);
  });

  it("none anywhere is empty (503)", () => {
    expect(chooseInstances(regions([["eu-1", []]]), preference, 0)).toEqual([]);
    expect(chooseInstances(new Map(), preference, 0)).toEqual([]);
  });
});
