import { defineProject } from "vitest/config";

/** The pipeline's build step against a real buildkitd and registry (besides Postgres and Redis). */
export default defineProject({
  test: {
    name: "control-plane-build",
    include: ["test/image-build/**/*.test.ts"],
    globalSetup: ["./test/harness/global-setup.ts", "./test/harness/build-stack-setup.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
