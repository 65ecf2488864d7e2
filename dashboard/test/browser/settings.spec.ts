import { checkPage, expect, signIn, test } from "./fixtures.js";

test("settings: build and runtime saved through the API, its validation beside the field, domains verified and deleted", async ({
  page,
  stack,
}) => {
  await signIn(page, stack.owner.rootKey);
  await page.goto("/projects/shop/apps/storefront");
  await page
    .getByRole("listitem")
    .filter({ hasText: "production" })
    .getByRole("link", { name: "Settings" })
    .click();
  await expect(
    page.getByRole("heading", { name: "Settings · production", level: 1 }),
  ).toBeVisible();
  const memory = page.getByLabel("Memory (MiB)");
  await expect(memory).toHaveValue("256");

  // The API's own rule comes back next to the field it is about.
  await memory.fill("300");
  await page.getByRole("button", { name: "Save settings" }).click();
  await expect(page.locator("#field-memoryMib-message")).toHaveText("must be a multiple of 256");
  await expect(memory).toHaveAttribute("aria-invalid", "true");

  await memory.fill("512");
  await page.getByLabel("Root directory").fill("services/web");
  await page.getByLabel("Watch paths").fill("services/web/**\npackage-lock.json");
  await page.getByLabel("Upstream protocol").selectOption("h2c");
  await page.getByLabel("Check the app's health").check();
  await page.getByLabel("Health check path").fill("/healthz");
  await page.getByRole("button", { name: "Add region" }).click();
  await page.getByLabel("Region 1", { exact: true }).fill("mars");
  await page.getByLabel("Maximum instances 1").fill("3");
  // The region is checked by the service against the regions this Slipway runs.
  await page.getByRole("button", { name: "Save settings" }).click();
  await expect(page.locator("#field-regions-0-name-message")).toContainText(
    "unknown region 'mars'",
  );
  await expect(memory).toHaveAttribute("aria-invalid", "false");
  await page.getByLabel("Region 1", { exact: true }).fill("eu-1");
  await page.getByRole("button", { name: "Save settings" }).click();
  await expect(page.getByRole("status")).toContainText("Saved");

  await page.reload();
  await expect(page.getByLabel("Memory (MiB)")).toHaveValue("512");
  await expect(page.getByLabel("Root directory")).toHaveValue("services/web");
  await expect(page.getByLabel("Watch paths")).toHaveValue("services/web/**\npackage-lock.json");
  await expect(page.getByLabel("Upstream protocol")).toHaveValue("h2c");
  await expect(page.getByLabel("Health check path")).toHaveValue("/healthz");
  await expect(page.getByLabel("Region 1", { exact: true })).toHaveValue("eu-1");
  await expect(page.getByLabel("Maximum instances 1")).toHaveValue("3");

  // Domains: a hostile name is refused beside the field; two custom domains with their records.
  const domainField = page.getByLabel("Custom domain");
  await domainField.fill("https://evil.example.com/../x");
  await page.getByRole("button", { name: "Add domain" }).click();
  await expect(page.locator("#new-domain-message")).toContainText("is not a bare hostname");
  await domainField.fill("shop.example.com");
  await page.getByRole("button", { name: "Add domain" }).click();
  // The field empties once the domain is added.
  await expect(domainField).toHaveValue("");
  await domainField.fill("www.ready.example.com");
  await page.getByRole("button", { name: "Add domain" }).click();

  const domain = (name: string) => page.getByRole("listitem", { name: `Domain ${name}` });
  const records = domain("shop.example.com").getByRole("table", { name: /DNS records to create/ });
  await expect(records.getByRole("row", { name: /CNAME/ })).toContainText("edge.slipway.test");
  await expect(records.getByRole("row", { name: /TXT/ })).toContainText(
    "_slipway.shop.example.com",
  );
  await expect(domain("shop.example.com")).toContainText("Pending");
  // Custom domains first, then the one Slipway gives the environment.
  await expect(page.locator(".domain-list > li")).toHaveText([
    /storefront\.acme\.test.*Verified/,
    /shop\.example\.com/,
    /www\.ready\.example\.com/,
    /storefront-production\.slipway\.test.*Slipway domain/,
  ]);

  await domain("shop.example.com").getByRole("button", { name: "Verify shop.example.com" }).click();
  await expect(domain("shop.example.com")).toContainText("Verifying");
  await expect(domain("shop.example.com")).toContainText("No TXT record found");
  // The stack's DNS holds the records for names under ready.example.com.
  await domain("www.ready.example.com")
    .getByRole("button", { name: "Verify www.ready.example.com" })
    .click();
  await expect(domain("www.ready.example.com")).toContainText("Verified");
  await expect(domain("www.ready.example.com").getByRole("table")).toHaveCount(0);
  await checkPage(page, "settings");

  await domain("shop.example.com").getByRole("button", { name: "Delete shop.example.com" }).click();
  await domain("shop.example.com")
    .getByRole("button", { name: "Delete shop.example.com for good" })
    .click();
  await expect(domain("shop.example.com")).toHaveCount(0);
  await expect(domain("www.ready.example.com")).toBeVisible();
});
