import { checkPage, expect, signIn, test } from "./fixtures.js";

test("create a project and an app, move through the table by keyboard, delete both", async ({
  page,
  stack,
}) => {
  await signIn(page, stack.owner.rootKey);
  const projectName = `Billing ${Date.now().toString(36)}`;
  await page.getByLabel("Project name").fill(projectName);
  await page.getByRole("button", { name: "Create project" }).click();
  const projectRow = page.getByRole("row", { name: new RegExp(projectName) });
  await expect(projectRow).toBeVisible();
  await expect(page.getByRole("row", { name: /Shop/ })).toBeVisible();
  await checkPage(page, "projects");

  // Keyboard: the first row takes focus, arrows move, Enter opens.
  const rows = page.getByRole("table", { name: "Projects" }).locator("tbody tr[data-index]");
  await rows.first().focus();
  const names = await rows.locator("td:first-child").allInnerTexts();
  const target = names.indexOf(projectName);
  for (let step = 0; step < target; step++) await page.keyboard.press("ArrowDown");
  await expect(rows.nth(target)).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { name: projectName, level: 1 })).toBeVisible();

  await page.getByLabel("App name").fill("Invoices API");
  await page.getByLabel(/GitHub repository/).fill("acme/invoices");
  await page.getByRole("button", { name: "Create app" }).click();
  const appRow = page.getByRole("row", { name: /Invoices API/ });
  await expect(appRow).toContainText("acme/invoices");
  await checkPage(page, "apps");

  // A repository that is not owner/name is refused with the API's message.
  await page.getByLabel("App name").fill("Broken");
  await page.getByLabel(/GitHub repository/).fill("not a repository");
  await page.getByRole("button", { name: "Create app" }).click();
  await expect(page.getByRole("alert")).toContainText("owner/name");

  await appRow.getByRole("button", { name: "Delete" }).click();
  await appRow.getByRole("button", { name: "Delete Invoices API" }).click();
  await expect(page.getByRole("row", { name: /Invoices API/ })).toHaveCount(0);

  await page.getByRole("link", { name: "Projects" }).first().click();
  await projectRow.getByRole("button", { name: "Delete" }).click();
  await projectRow.getByRole("button", { name: `Delete ${projectName}` }).click();
  await expect(page.getByRole("row", { name: new RegExp(projectName) })).toHaveCount(0);
  await page.reload();
  await expect(page.getByRole("row", { name: /Shop/ })).toBeVisible();
  await expect(page.getByRole("row", { name: new RegExp(projectName) })).toHaveCount(0);
});
