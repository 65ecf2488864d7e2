import { checkPage, expect, signIn, test } from "./fixtures.js";

test("env vars: paste appends, duplicates flagged, draft survives a reload without secrets, save", async ({
  page,
  stack,
}) => {
  await signIn(page, stack.owner.rootKey);
  await page.goto("/projects/shop/apps/storefront/env/production");
  await expect(page.getByText("No variables yet.")).toBeVisible();
  await checkPage(page, "env-vars");

  await page.getByRole("button", { name: "Edit variables" }).click();
  const editor = page.getByRole("dialog", { name: /Edit variables/ });
  await editor
    .getByLabel("Paste .env text (appends rows)")
    .fill(
      "# shop\nPUBLIC_URL=https://shop.acme.test\nSTRIPE_KEY=sk_live_do_not_keep\nPUBLIC_URL=https://other\n",
    );
  await editor.getByRole("button", { name: "Append pasted variables" }).click();
  // Both PUBLIC_URL rows are marked, and save waits until the conflict is gone.
  await expect(editor.locator("[data-duplicate]")).toHaveCount(2);
  await expect(editor.getByRole("alert")).toContainText("Duplicate keys: PUBLIC_URL");
  await expect(editor.getByRole("button", { name: /^Save/ })).toBeDisabled();
  await checkPage(page, "env-vars-editor");

  // A second paste appends rather than replacing.
  await editor.getByLabel("Paste .env text (appends rows)").fill("LOG_LEVEL=debug");
  await editor.getByRole("button", { name: "Append pasted variables" }).click();
  await expect(editor.getByLabel(/^Key \d+$/)).toHaveCount(4);

  await editor.getByRole("button", { name: "Remove row 3" }).click();
  await expect(editor.locator("[data-duplicate]")).toHaveCount(0);
  // PUBLIC_URL and LOG_LEVEL are not secret: recoverable values.
  await editor.getByRole("checkbox", { name: "Write-only" }).nth(0).uncheck();
  await editor.getByRole("checkbox", { name: "Write-only" }).nth(2).uncheck();

  // Close, reload: the draft is back, but the secret value was never stored.
  await editor.getByRole("button", { name: "Close" }).click();
  await expect(page.getByRole("button", { name: "Edit variables (3 unsaved)" })).toBeVisible();
  const storage = await page.evaluate(
    () => JSON.stringify(sessionStorage) + JSON.stringify(localStorage),
  );
  expect(storage).toContain("https://shop.acme.test");
  expect(storage).not.toContain("sk_live_do_not_keep");
  await page.reload();
  await page.getByRole("button", { name: "Edit variables (3 unsaved)" }).click();
  await expect(editor.getByLabel("Value 1")).toHaveValue("https://shop.acme.test");
  await expect(editor.getByLabel("Value 2")).toHaveValue("");
  await expect(editor.getByLabel("Value 2")).toHaveAttribute("placeholder", /again/);
  await expect(editor.getByRole("button", { name: /^Save/ })).toBeDisabled();
  await editor.getByLabel("Value 2").fill("sk_live_do_not_keep");
  await editor.getByRole("button", { name: "Save 3 variables" }).click();
  await expect(editor).toHaveCount(0);

  const table = page.getByRole("table", { name: "Variables of production" });
  await expect(table.getByRole("row", { name: /PUBLIC_URL/ })).toContainText(
    "https://shop.acme.test",
  );
  await expect(table.getByRole("row", { name: /STRIPE_KEY/ })).toContainText(
    "Write-only: never shown",
  );
  await expect(page.getByText("sk_live_do_not_keep")).toHaveCount(0);
  expect(await page.evaluate(() => sessionStorage.length)).toBe(0);

  await page.getByLabel("Search by key").fill("stripe");
  await expect(table.locator("tbody tr[data-index]")).toHaveCount(1);
  await expect(table).toContainText("STRIPE_KEY");
});
