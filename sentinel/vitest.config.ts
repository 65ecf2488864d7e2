import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "sentinel",
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    // One real cluster per run, for the EndpointSlice watch test.
    globalSetup: ["@slipway/testbed/global-setup"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
