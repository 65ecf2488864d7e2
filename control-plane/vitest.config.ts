import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "control-plane",
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    globalSetup: ["./test/harness/global-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
