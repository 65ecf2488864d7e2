import { defineProject } from "vitest/config";

// The dashboard's pure pieces; the browser tests run under Playwright (vitest.browser.config.ts).
export default defineProject({
  test: {
    name: "dashboard",
    include: ["src/**/*.test.ts"],
  },
});
