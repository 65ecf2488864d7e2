import { defineProject } from "vitest/config";

// Runs the Playwright suite (real Chromium, real API, PostgreSQL, Redis) as a child process, so
// `npm test` covers it; see test/browser-suite.test.ts.
export default defineProject({
  test: {
    name: "dashboard-browser",
    include: ["test/browser-suite.test.ts"],
    testTimeout: 1_600_000,
  },
});
