import { defineConfig } from "@playwright/test";
import base from "./playwright.config.js";

/**
 * The deploy flows in Debian's Chromium against the one-machine platform (`npm start` with the
 * real node and the fake GitHub) that test/platform/global-setup.ts starts: real builds, real
 * pods, real Sentinel. Its own run: the platform takes minutes to start and holds the real node.
 */
export default defineConfig({
  ...base,
  testDir: "./test/platform",
  globalSetup: "./test/platform/global-setup.ts",
  outputDir: "./test-results/playwright-platform",
  // A real build and rollout per step.
  timeout: 600_000,
  expect: { timeout: 30_000 },
});
