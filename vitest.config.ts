import { defineConfig } from "vitest/config";

// Each workspace package owns its vitest config; this runs them all in one invocation.
export default defineConfig({
  test: {
    projects: [
      "shared",
      "keys",
      "request-logs",
      "control-plane",
      "control-plane/vitest.build.config.ts",
      "control-plane/vitest.cluster.config.ts",
      "control-plane/vitest.e2e.config.ts",
      "control-plane/vitest.platform.config.ts",
      "control-plane/vitest.real-node.config.ts",
      "control-plane/vitest.install.config.ts",
      "testbed",
      "testbed/vitest.images.config.ts",
      "operator",
      "builder",
      "sentinel",
      "cli",
      "dashboard",
      "dashboard/vitest.browser.config.ts",
    ],
  },
});
