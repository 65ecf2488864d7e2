import { defineProject } from "vitest/config";

/**
 * From a push to live: webhooks, the real builder (buildkitd + registry), the deploy step on the
 * testbed cluster with the operator, and what GitHub is told, all in one run.
 */
export default defineProject({
  test: {
    name: "control-plane-e2e",
    include: ["test/e2e/**/*.test.ts"],
    globalSetup: [
      "./test/harness/global-setup.ts",
      "./test/harness/build-stack-setup.ts",
      "@slipway/testbed/global-setup",
    ],
    testTimeout: 180_000,
    hookTimeout: 180_000,
  },
});
