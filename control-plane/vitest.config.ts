import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "control-plane",
    include: ["src/**/*.test.ts", "test/**/*.test.ts", "bench/**/*.test.ts"],
    // These need BuildKit and a registry: their own project (vitest.build.config.ts).
    // test/deploy needs a cluster (vitest.cluster.config.ts); test/e2e both (vitest.e2e.config.ts);
    // test/local starts `npm start` itself (vitest.platform.config.ts).
    // test/real-node both and the real node (vitest.real-node.config.ts); test/install the
    // real node and helm (vitest.install.config.ts).
    exclude: [
      "test/image-build/**",
      "test/deploy/**",
      "test/e2e/**",
      "test/local/**",
      "test/real-node/**",
      "test/install/**",
      "**/node_modules/**",
    ],
    globalSetup: ["./test/harness/global-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
