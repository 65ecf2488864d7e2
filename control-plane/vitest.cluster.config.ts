import { defineProject } from "vitest/config";

/**
 * The deploy step and the lifecycle endpoints against a real cluster (the testbed's
 * kube-apiserver with kwok nodes) with the operator running, besides Postgres and Redis.
 */
export default defineProject({
  test: {
    name: "control-plane-cluster",
    include: ["test/deploy/**/*.test.ts"],
    globalSetup: ["./test/harness/global-setup.ts", "@slipway/testbed/global-setup"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
