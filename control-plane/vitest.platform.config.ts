import { defineProject } from "vitest/config";

/**
 * `npm start` itself, as a child process, against the testbed's kwok cluster given through
 * KUBECONFIG (the real node stays free for the tests that need it: one per machine).
 */
export default defineProject({
  test: {
    name: "control-plane-platform",
    include: ["test/local/**/*.test.ts"],
    globalSetup: ["@slipway/testbed/global-setup"],
    testTimeout: 600_000,
    hookTimeout: 120_000,
  },
});
