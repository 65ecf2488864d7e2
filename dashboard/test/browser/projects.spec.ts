import { checkPage, expect, signIn, test } from "./fixtures.js";

test("create a project and an app, switch its repository, protect it from deletion, delete both", async ({
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

  // The breadcrumb trail's second link is the project (by slug).
  const backToProject = () => page.locator(".breadcrumbs").getByRole("link").nth(1).click();
  // On the app's page: switch the repository and its branch, then protect the app from deletion.
  await appRow.getByRole("link", { name: "Invoices API" }).click();
  const source = page.getByRole("region", { name: "Source" });
  await expect(source.getByLabel(/GitHub repository/)).toHaveValue("acme/invoices");
  await source.getByLabel(/GitHub repository/).fill("acme/invoices-v2");
  await source.getByLabel("Production branch").fill("release");
  await source.getByRole("button", { name: "Save repository" }).click();
  await source.getByLabel(/Delete protection/).check();
  await expect(source.getByLabel(/Delete protection/)).toBeChecked();
  await page.reload();
  await expect(source.getByLabel(/GitHub repository/)).toHaveValue("acme/invoices-v2");
  await expect(source.getByLabel("Production branch")).toHaveValue("release");
  await expect(source.getByLabel(/Delete protection/)).toBeChecked();
  await checkPage(page, "app");

  // The protection is honoured: the delete is refused with the API's reason, the app stays.
  await backToProject();
  await expect(appRow).toContainText("acme/invoices-v2");
  await appRow.getByRole("button", { name: "Delete" }).click();
  await appRow.getByRole("button", { name: "Delete Invoices API" }).click();
  await expect(page.getByRole("alert")).toContainText("delete protection on");
  await expect(appRow).toBeVisible();

  await appRow.getByRole("link", { name: "Invoices API" }).click();
  await source.getByLabel(/Delete protection/).uncheck();
  await expect(source.getByLabel(/Delete protection/)).not.toBeChecked();
  await backToProject();
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
