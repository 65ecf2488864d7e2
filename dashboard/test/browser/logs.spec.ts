import { checkPage, expect, signIn, test } from "./fixtures.js";

test("request logs filter by status code, class and method", async ({ page, stack }) => {
  await signIn(page, stack.owner.rootKey);
  await page.getByRole("link", { name: "Request logs" }).click();
  const table = page.getByRole("table", { name: "Request logs" });
  const rows = table.locator("tbody tr[data-index]");
  await expect(rows).toHaveCount(5);
  await checkPage(page, "request-logs");

  await page.getByLabel("Status (404, 5xx)").fill("5xx");
  await page.getByRole("button", { name: "Apply filters" }).click();
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText("/api/checkout");

  await page.getByLabel("Status (404, 5xx)").fill("404, 403");
  await page.getByRole("button", { name: "Apply filters" }).click();
  await expect(rows).toHaveCount(2);

  await page.getByLabel("Method").fill("delete");
  await page.getByRole("button", { name: "Apply filters" }).click();
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText("/api/admin");

  await page.getByLabel("Status (404, 5xx)").fill("999");
  await page.getByRole("button", { name: "Apply filters" }).click();
  await expect(page.getByRole("alert")).toContainText('status "999"');
});

test("the audit log records what the dashboard did, sorted either way, filtered by action and target", async ({
  page,
  stack,
}) => {
  await signIn(page, stack.owner.rootKey);
  const projectName = `Audit ${Date.now().toString(36)}`;
  await page.getByLabel("Project name").fill(projectName);
  await page.getByRole("button", { name: "Create project" }).click();
  await expect(page.getByRole("row", { name: new RegExp(projectName) })).toBeVisible();

  await page.getByRole("link", { name: "Audit log" }).click();
  const rows = page.getByRole("table", { name: "Audit log" }).locator("tbody tr[data-index]");
  await expect(rows.first()).toBeVisible();
  await page.getByLabel("Action").fill("project.create");
  await page.getByRole("button", { name: "Apply filters" }).click();
  await expect(rows.first()).toContainText("project.create");
  for (const text of await rows.allInnerTexts()) expect(text).toContain("project.create");

  // Newest first by default: End (from the keyboard) reaches the oldest row, the seeded
  // project's creation two hours ago; Home comes back to the top.
  await expect(rows.first()).not.toContainText(stack.seeded.projectId);
  await rows.first().focus();
  await page.keyboard.press("End");
  const focused = page.locator("tbody tr:focus");
  await expect(focused).toContainText(stack.seeded.projectId);
  await page.keyboard.press("Home");
  await expect(rows.first()).toBeFocused();
  // Sorted by the server the other way: the oldest first.
  await page.getByLabel("Order").selectOption("oldest");
  await expect(rows.first()).toContainText(stack.seeded.projectId);

  // By action and target (its type and id): other specs may cancel the same deployment.
  await page.getByLabel("Action").fill("deployment.create");
  await page.getByLabel("Target type").fill("deployment");
  await page.getByLabel("Target id").fill(stack.seeded.building);
  await page.getByRole("button", { name: "Apply filters" }).click();
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText("deployment.create");
  await checkPage(page, "audit-log");
});
