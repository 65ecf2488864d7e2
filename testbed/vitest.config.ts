import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    name: "testbed",
    include: ["test/**/*.test.ts"],
    // One real cluster for the whole run; builds the binaries first if they are missing.
    globalSetup: ["./src/global-setup.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
