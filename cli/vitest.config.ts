import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "cli",
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    // The commands run against the real API over a real PostgreSQL and Redis, started as the
    // control plane's own tests start them.
    globalSetup: ["../control-plane/test/harness/global-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
