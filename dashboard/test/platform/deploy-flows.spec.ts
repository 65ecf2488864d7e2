import { randomUUID } from "node:crypto";
import type { Locator, Page } from "@playwright/test";
import {
  forkPullRequestPayload,
  sign,
} from "../../../control-plane/test/harness/github-payloads.js";
import { checkPage, expect, signIn, test } from "./fixtures.js";
import type { PlatformInfo } from "./platform-info.js";

/**
 * The deploy flows on the one-machine platform: every deployment here is a real BuildKit build
 * of examples/hello, a real container on the real node, and an answer through Sentinel.
 */
test.describe.configure({ mode: "serial" });

const inFlight = /^(queued|starting|building|deploying|network|finalizing)$/;
const settled = /^(ready|failed|cancelled|superseded|skipped)$/;

/** Waits for the card to settle (a real build and rollout), then expects it Ready. */
async function expectReady(card: Locator) {
  await expect(card).toHaveAttribute("data-status", settled, { timeout: 300_000 });
  // A failed card shows its error: the assertion's message carries it.
  await expect(card, (await card.textContent()) ?? "").toHaveAttribute("data-status", "ready");
}

async function openApp(page: Page, platform: PlatformInfo) {
  await signIn(page, platform.rootKey);
  await page.goto(`/projects/${platform.project}/apps/${platform.app}`);
  await expect(page.getByRole("heading", { name: platform.app, level: 1 })).toBeVisible();
}

async function deployByHand(
  page: Page,
  platform: PlatformInfo,
  commit: PlatformInfo["commits"]["hello"],
  environment: string,
): Promise<Locator> {
  await page.getByRole("button", { name: "Deploy…" }).click();
  const dialog = page.getByRole("dialog", { name: `Deploy ${platform.app} by hand` });
  await dialog.getByLabel("Environment").selectOption(environment);
  await dialog.getByLabel("Branch").selectOption(commit.branch);
  await dialog.getByLabel("Commit").selectOption(commit.sha);
  await dialog.getByRole("button", { name: `Deploy to ${environment}` }).click();
  await expect(dialog).toHaveCount(0);
  return page.getByRole("article").filter({ hasText: commit.message });
}

/** The app's answer at the card's first domain, opened in a new tab through Sentinel. */
async function openDeployedApp(page: Page, card: Locator, platform: PlatformInfo) {
  const domains = await card
    .getByRole("definition")
    .filter({ hasText: ".localhost" })
    .textContent();
  const domain = (domains ?? "").split(",")[0]!.trim();
  const tab = await page.context().newPage();
  const response = await tab.goto(`http://${domain}:${platform.sentinelPort}/from-the-browser`);
  const body = (await response?.json()) as { path: string; unkey: Record<string, string> };
  await tab.close();
  return { status: response?.status(), body };
}

test("a manual deploy builds with BuildKit, follows its log, and answers through Sentinel", async ({
  page,
  platform,
}) => {
  await openApp(page, platform);
  const card = await deployByHand(page, platform, platform.commits.hello, "production");
  await expect(card).toHaveAttribute("data-status", inFlight);
  // A deployment in flight shows its log, following it.
  const log = card.getByRole("log", { name: "Build log" });
  // BuildKit's own progress, then the rollout: the same log a terminal would show.
  await expect(log).toContainText("node record-build-secret.js", { timeout: 300_000 });
  await expectReady(card);
  await expect(card).toContainText("Current");
  await expect(card.getByRole("definition").filter({ hasText: "octocat" })).toBeVisible();
  await checkPage(page, "platform-deployed");

  const answer = await openDeployedApp(page, card, platform);
  expect(answer.status).toBe(200);
  expect(answer.body.path).toBe("/from-the-browser");
  const id = (await card.getAttribute("aria-label"))!.replace("Deployment ", "");
  expect(answer.body.unkey.UNKEY_DEPLOYMENT_ID).toBe(id);
});

test("cancelling a running build stops it where its log shows it running", async ({
  page,
  platform,
}) => {
  await openApp(page, platform);
  const card = await deployByHand(page, platform, platform.commits.slow, "preview");
  const log = card.getByRole("log", { name: "Build log" });
  // The step that sleeps for ten minutes has started, and the log shows it while it runs.
  await expect(log).toContainText("warming the cache", { timeout: 300_000 });
  await expect(card).toHaveAttribute("data-status", "building");
  await card.getByRole("button", { name: "Cancel build" }).click();
  await expect(card).toHaveAttribute("data-status", "cancelled", { timeout: 60_000 });
  await expect(card.getByRole("button", { name: "Cancel build" })).toHaveCount(0);
});

test("a stranger's fork waits for approval, and approving it builds and serves its preview", async ({
  page,
  platform,
}) => {
  const payload = forkPullRequestPayload({
    number: 12,
    author: "stranger",
    sha: platform.commits.fork.sha,
  });
  payload.repository.full_name = platform.repository;
  payload.pull_request.head.ref = platform.commits.fork.branch;
  const body = JSON.stringify(payload);
  const delivered = await fetch(`${platform.apiUrl}/webhooks/github`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-github-event": "pull_request",
      "x-github-delivery": randomUUID(),
      "x-hub-signature-256": sign(body, platform.webhookSecret),
    },
    body,
  });
  expect(delivered.status).toBe(202);

  await openApp(page, platform);
  const card = page
    .getByRole("article")
    .filter({ hasText: platform.commits.fork.sha.slice(0, 12) });
  await expect(card).toHaveAttribute("data-status", "awaiting_approval", { timeout: 60_000 });
  await expect(card).toContainText("Awaiting approval");
  await checkPage(page, "platform-awaiting-approval");
  await card.getByRole("button", { name: "Approve" }).click();
  await expect(card).toHaveAttribute("data-status", inFlight);
  await expectReady(card);

  const answer = await openDeployedApp(page, card, platform);
  expect(answer.status).toBe(200);
  const id = (await card.getAttribute("aria-label"))!.replace("Deployment ", "");
  expect(answer.body.unkey.UNKEY_DEPLOYMENT_ID).toBe(id);
});
