import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "operator",
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    // One real cluster (kube-apiserver, controller-manager, scheduler, kwok nodes) per run.
    globalSetup: ["@slipway/testbed/global-setup"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // No maxWorkers here: a project-level value different from the others' makes the root
    // multi-project run refuse to start; the root default suits 2 cores.
  },
});
