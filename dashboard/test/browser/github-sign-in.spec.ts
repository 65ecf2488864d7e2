import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures.js";

/** From the sign-in page through the fake GitHub's authorize page, as `login`. */
async function signInWithGitHub(page: Page, login: string) {
  await page.goto("/sign-in");
  await page.getByRole("link", { name: "sign in with GitHub" }).click();
  await expect(
    page.getByRole("heading", { name: "Sign in to GitHub to continue to Slipway" }),
  ).toBeVisible();
  await page.getByLabel("Username or email address").fill(login);
  await page.getByRole("button", { name: "Authorize" }).click();
}

test("sign in with GitHub: a member lands in the installation's workspace, an outsider is refused", async ({
  page,
  context,
  stack,
}) => {
  // Not a member of the account whose installation is bound to a workspace: refused, in words.
  await signInWithGitHub(page, stack.github.outsiderLogin);
  await expect(page).toHaveURL(/\/sign-in\?github=not_member$/);
  await expect(page.getByRole("alert")).toContainText(
    "Your GitHub account cannot access any installation of the GitHub App",
  );
  expect((await context.cookies()).map((cookie) => cookie.name)).not.toContain("slipway_session");

  // A member of `acme-org`, whose installation is bound to the owner's workspace.
  await signInWithGitHub(page, stack.github.memberLogin);
  await expect(page.getByRole("heading", { name: "Projects", level: 1 })).toBeVisible();
  await expect(page.getByText(stack.owner.workspaceId)).toBeVisible();
  await expect(page.getByRole("row", { name: /Shop/ })).toBeVisible();
  await expect(page.getByRole("row", { name: /B site/ })).toHaveCount(0);
  // The other workspace's project, opened by its id: not found for this session.
  await page.goto(`/projects/${stack.other.projectId}`);
  await expect(page.getByRole("alert")).toContainText("does not exist");
});
