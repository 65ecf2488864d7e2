import { defineProject } from "vitest/config";

/**
 * The whole path on the testbed's real node: a push built by BuildKit, rolled out by the
 * operator into real containers, served through a real Sentinel process. Each file starts its
 * own cluster with the real node, under the machine's real-node lock (see
 * testbed/src/real-node/real-node-lock.ts), so it never runs beside testbed's real-node test.
 */
export default defineProject({
  test: {
    name: "control-plane-real-node",
    include: ["test/real-node/**/*.test.ts"],
    globalSetup: ["./test/harness/global-setup.ts", "./test/harness/build-stack-setup.ts"],
    testTimeout: 180_000,
    hookTimeout: 180_000,
  },
});
