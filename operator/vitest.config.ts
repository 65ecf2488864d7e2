import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "operator",
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    // One real cluster (kube-apiserver, controller-manager, scheduler, kwok nodes) per run.
    globalSetup: ["@slipway/testbed/global-setup"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // The cluster tests each start an operator; two files at a time is plenty on 2 cores.
    maxWorkers: 2,
  },
});
