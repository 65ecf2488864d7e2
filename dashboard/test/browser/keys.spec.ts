import { checkPage, expect, signIn, test } from "./fixtures.js";

test("create a keyspace and a key, reroll it; the plaintext is shown once", async ({
  page,
  stack,
}) => {
  await signIn(page, stack.owner.rootKey);
  await page.getByRole("link", { name: "Keys" }).click();
  await page.getByLabel("New keyspace name").fill("storefront-customers");
  await page.getByRole("button", { name: "Create keyspace" }).click();
  await expect(page.getByRole("heading", { name: "storefront-customers" })).toBeVisible();
  await expect(page).toHaveURL(/api=/);

  await page.getByLabel("Key name (optional)").fill("mobile app");
  await page.getByRole("button", { name: "Create key", exact: true }).click();
  const secret = page.getByTestId("one-time-secret");
  await expect(secret).toBeVisible();
  const firstKey = await secret.textContent();
  const row = page.getByRole("row", { name: /mobile app/ });
  await expect(row).toContainText("Never");
  await checkPage(page, "keys");

  await page.getByRole("button", { name: "Done" }).click();
  await expect(secret).toHaveCount(0);
  await row.getByRole("button", { name: "Reroll" }).click();
  await expect(secret).toBeVisible();
  expect(await secret.textContent()).not.toBe(firstKey);
  // The secret is never written to browser storage.
  const storage = await page.evaluate(
    () => JSON.stringify(sessionStorage) + JSON.stringify(localStorage),
  );
  expect(storage).not.toContain(firstKey);
});
