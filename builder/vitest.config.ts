import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "builder",
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    // One buildkitd and one registry for the whole run; builds BuildKit first if it is missing.
    globalSetup: ["./test/harness/global-setup.ts"],
    testTimeout: 180_000,
    hookTimeout: 180_000,
  },
});
