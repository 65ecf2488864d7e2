import { defineProject } from "vitest/config";

/**
 * `npm run bench:e2e` (not part of `npm test`): the real-node stack of
 * vitest.real-node.config.ts, driven by bench/e2e/*.e2e-bench.ts, which prints figures and
 * asserts only that the deploys succeed.
 */
export default defineProject({
  test: {
    name: "control-plane-bench-e2e",
    include: ["bench/e2e/**/*.e2e-bench.ts"],
    globalSetup: ["./test/harness/global-setup.ts", "./test/harness/build-stack-setup.ts"],
    testTimeout: 1_800_000,
    hookTimeout: 1_800_000,
  },
});
