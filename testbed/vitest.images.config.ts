import { defineConfig } from "vitest/config";

// Slipway's own images: a real buildkitd and registry per run (no cluster), see test/images.
export default defineConfig({
  test: {
    name: "testbed-images",
    include: ["test/images/**/*.test.ts"],
    testTimeout: 300_000,
    hookTimeout: 900_000,
  },
});
