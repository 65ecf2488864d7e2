import { defineProject } from "vitest/config";

/**
 * `helm install` of charts/slipway on the testbed's real node, from Slipway's own images
 * (built with BuildKit, or pushed from their content cache), with PostgreSQL and Redis on this
 * host. Holds the machine's real-node lock for the whole file (see
 * testbed/src/real-node/real-node-lock.ts). A cold run builds the node base and the images
 * first (tens of minutes on two loaded cores); a warm one pushes them from the cache.
 */
export default defineProject({
  test: {
    name: "control-plane-install",
    include: ["test/install/**/*.test.ts"],
    testTimeout: 600_000,
    hookTimeout: 2_400_000,
  },
});
