import { defineConfig } from "@playwright/test";

/**
 * The dashboard in Debian's Chromium (no browser download) against the real API, PostgreSQL and
 * Redis that test/global-setup.ts starts. Screenshots land in test-results/screenshots (ignored).
 */
export default defineConfig({
  testDir: "./test/browser",
  globalSetup: "./test/global-setup.ts",
  outputDir: "./test-results/playwright",
  // One worker: the machine has two cores shared with other suites; the specs use separate
  // projects/keys so they could run in parallel elsewhere.
  workers: 1,
  fullyParallel: false,
  // Generous: the machine is shared and often loaded; axe and two screenshots per page take a while.
  timeout: 300_000,
  expect: { timeout: 15_000 },
  reporter: process.env.CI ? [["list"]] : [["list"]],
  use: {
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-dev-shm-usage"],
    },
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
});
