import { checkPage, expect, signIn, test } from "./fixtures.js";

test("manual deploy: branch and commit from the repository, the environment, then the card with its author", async ({
  page,
  stack,
}) => {
  await signIn(page, stack.owner.rootKey);
  await page.goto("/projects/shop/apps/storefront");
  // Pushed deployments show who wrote the commit.
  await expect(
    page.getByRole("article", { name: `Deployment ${stack.seeded.current}` }),
  ).toContainText("octocat");

  await page.getByRole("button", { name: "Deploy…" }).click();
  const dialog = page.getByRole("dialog", { name: "Deploy storefront by hand" });
  const branch = dialog.getByLabel("Branch");
  const commit = dialog.getByLabel("Commit");
  await expect(branch).toHaveValue("main");
  await expect(commit.locator("option")).toHaveText([
    "Latest commit on main",
    /^bb22000 · Fix the checkout total · hubot$/,
    /^aa11000 · Add the cart page · octocat$/,
  ]);
  await branch.selectOption("feature/search");
  await expect(commit.locator("option")).toHaveText([
    "Latest commit on feature/search",
    /^cc33000 · Search the catalogue · monalisa$/,
  ]);
  await checkPage(page, "manual-deploy");

  await branch.selectOption("main");
  await commit.selectOption({ label: "aa11000 · Add the cart page · octocat" });
  await dialog.getByLabel("Environment").selectOption("production");
  await dialog.getByRole("button", { name: "Deploy to production" }).click();
  await expect(dialog).toHaveCount(0);

  const card = page.getByRole("article").filter({ hasText: "Add the cart page" });
  await expect(card).toContainText("Queued");
  await expect(card).toContainText("main");
  await expect(card).toContainText("aa1100000000");
  await expect(card.getByRole("definition").filter({ hasText: "octocat" })).toBeVisible();
});
