import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "builder",
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    // One buildkitd and one registry for the whole run; builds BuildKit first if it is missing.
    globalSetup: ["./test/harness/global-setup.ts"],
    // One buildkitd on two shared cores: files run one after another so timings (cancellation
    // within 2 s, warm rebuilds) measure the build, not the neighbours.
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 180_000,
  },
});
