import { test as base } from "@playwright/test";
import { type PlatformInfo, platformInfo } from "./platform-info.js";

export { checkPage, expect, signIn } from "../browser/fixtures.js";

/** The platform specs' fixtures: `npm start`'s dashboard as the base URL, and what it holds. */
export const test = base.extend<{ platform: PlatformInfo }>({
  // biome-ignore lint/correctness/noEmptyPattern: Playwright reads the fixture's dependencies from this pattern
  platform: async ({}, use) => {
    await use(platformInfo());
  },
  // biome-ignore lint/correctness/noEmptyPattern: as above
  baseURL: async ({}, use) => {
    await use(platformInfo().apiUrl);
  },
});
