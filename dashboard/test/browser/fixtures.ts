import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import AxeBuilder from "@axe-core/playwright";
import { test as base, expect, type Page } from "@playwright/test";
import { type StackInfo, stackInfo } from "../stack-info.js";

const screenshotDir = fileURLToPath(new URL("../../test-results/screenshots/", import.meta.url));

interface Fixtures {
  stack: StackInfo;
  /** Every /v2 request the page sent: the browser-side contract (cookie + CSRF, no bearer). */
  apiRequests: Array<{ url: string; headers: Record<string, string> }>;
  /** Console errors, CSP violations included. */
  consoleErrors: string[];
}

export const test = base.extend<Fixtures>({
  // biome-ignore lint/correctness/noEmptyPattern: Playwright reads the fixture's dependencies from this pattern
  stack: async ({}, use) => {
    await use(stackInfo());
  },
  // biome-ignore lint/correctness/noEmptyPattern: as above
  baseURL: async ({}, use) => {
    await use(stackInfo().url);
  },
  apiRequests: async ({ page }, use) => {
    const requests: Array<{ url: string; headers: Record<string, string> }> = [];
    page.on("request", (request) => {
      if (new URL(request.url()).pathname.startsWith("/v2/")) {
        requests.push({ url: request.url(), headers: request.headers() });
      }
    });
    await use(requests);
  },
  consoleErrors: async ({ page }, use) => {
    const errors: string[] = [];
    page.on("console", (message) => {
      if (message.type() === "error") errors.push(message.text());
    });
    page.on("pageerror", (error) => errors.push(error.message));
    await use(errors);
    // A CSP violation means the build needs an inline script or style the API forbids.
    expect(errors.filter((text) => /Content Security Policy/i.test(text))).toEqual([]);
  },
});

export { expect };

/** Signs in through the contract: the root key form, then the projects page. */
export async function signIn(page: Page, rootKey: string) {
  await page.goto("/sign-in");
  await page.getByLabel("Root key").fill(rootKey);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Projects", level: 1 })).toBeVisible();
}

/**
 * The page in light and dark (saved under test-results/screenshots), each checked by axe:
 * no serious or critical violation.
 */
export async function checkPage(page: Page, name: string) {
  mkdirSync(screenshotDir, { recursive: true });
  for (const colorScheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme, reducedMotion: "reduce" });
    await page.screenshot({ path: `${screenshotDir}${name}-${colorScheme}.png`, fullPage: true });
    const results = await new AxeBuilder({ page }).analyze();
    const serious = results.violations
      .filter((violation) => violation.impact === "serious" || violation.impact === "critical")
      .map((violation) => ({
        id: violation.id,
        help: violation.help,
        nodes: violation.nodes.slice(0, 3).map((node) => node.target.join(" ")),
      }));
    expect(
      serious,
      `${name} (${colorScheme}): serious or critical accessibility violations`,
    ).toEqual([]);
  }
  await page.emulateMedia({ colorScheme: null, reducedMotion: null });
}
