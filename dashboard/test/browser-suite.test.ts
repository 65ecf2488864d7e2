import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { firstLoadBytesPerPage } from "./first-load-size.js";

const dashboardDir = fileURLToPath(new URL("..", import.meta.url));
const distDir = fileURLToPath(new URL("../dist", import.meta.url));

/**
 * `npm test` builds dist (so a clean clone tests what it serves), checks the first-load budget
 * and runs the Playwright suites (Debian's Chromium, the real API, PostgreSQL and Redis; then
 * the deploy flows on `npm start`'s platform) as children; their reports print above the result.
 */
describe("dashboard in a real browser", () => {
  it("builds dist with Vite", () => {
    // A production build as `npm ci` makes it: vitest sets NODE_ENV=test, with which Vite
    // would bundle React's development build (about 70 KB more per page).
    const build = spawnSync("npx", ["vite", "build", "--logLevel", "warn"], {
      cwd: dashboardDir,
      encoding: "utf8",
      env: { ...process.env, NODE_ENV: "production" },
    });
    expect(build.status, build.stderr).toBe(0);
  }, 180_000);

  it("keeps every page's first load at or under 200 KB of compressed JavaScript", () => {
    const pages = firstLoadBytesPerPage(distDir);
    expect(pages.size).toBeGreaterThanOrEqual(8);
    const over = [...pages].filter(([, bytes]) => bytes > 200 * 1024);
    expect(over, JSON.stringify(Object.fromEntries(pages))).toEqual([]);
  });

  it("passes the Playwright suite", () => {
    expect(runPlaywright([]).stdout).toMatch(/\d+ passed/);
  }, 1_520_000);

  it("passes the deploy flows on the one-machine platform (npm start, the real node)", () => {
    expect(runPlaywright(["--config", "playwright.platform.config.ts"]).stdout).toMatch(/3 passed/);
  }, 1_520_000);
});

/** `playwright test` as a child, its report printed above the result; fails if it failed. */
function runPlaywright(args: string[]) {
  const run = spawnSync("npx", ["playwright", "test", ...args, "--reporter=list"], {
    cwd: dashboardDir,
    encoding: "utf8",
    env: { ...process.env, FORCE_COLOR: "0" },
    timeout: 1_500_000,
  });
  process.stdout.write(run.stdout);
  process.stderr.write(run.stderr);
  expect(run.status, "playwright failed: see its report above").toBe(0);
  return run;
}
