import { Unkey } from "@unkey/api";
import { checkPage, expect, signIn, test } from "./fixtures.js";

/** The test's own SDK client, as a service using the keys would hold it (not the browser). */
const serviceSdk = (apiUrl: string, rootKey: string) =>
  new Unkey({ rootKey, serverURL: apiUrl, retryConfig: { strategy: "none" } });

test("keyspaces are listed; a key is created, sorted, edited, disabled (verify fails), rerolled and deleted", async ({
  page,
  stack,
  apiRequests,
}) => {
  const unkey = serviceSdk(stack.apiUrl, stack.owner.rootKey);
  // Made elsewhere: the page lists it without being told its id.
  await unkey.apis.createApi({ name: "billing-keys" });
  await signIn(page, stack.owner.rootKey);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Keys" }).click();
  await expect(page.getByRole("button", { name: "billing-keys" })).toBeVisible();

  await page.getByLabel("New keyspace name").fill("storefront-customers");
  await page.getByRole("button", { name: "Create keyspace" }).click();
  await expect(page.getByRole("heading", { name: "storefront-customers" })).toBeVisible();
  await expect(page).toHaveURL(/api=/);
  await expect(page.getByRole("button", { name: "storefront-customers" })).toBeVisible();

  const secret = page.getByTestId("one-time-secret");
  for (const name of ["mobile app", "backend"]) {
    await page.getByLabel("Key name (optional)").fill(name);
    await page.getByRole("button", { name: "Create key", exact: true }).click();
    await expect(secret).toBeVisible();
    if (name === "backend") break;
    await page.getByRole("button", { name: "Done" }).click();
  }
  const backendKey = (await secret.textContent())!;
  const keys = page.getByRole("table", { name: "Keys", exact: true });
  const row = keys.getByRole("row", { name: /mobile app/ });
  await expect(row).toContainText("Never");
  expect((await unkey.keys.verifyKey({ key: backendKey })).data.code).toBe("VALID");

  // Sorted by name on a click; the keyboard moves between rows and Enter opens the editor.
  await keys.getByRole("button", { name: "Name" }).click();
  await expect(keys.getByRole("columnheader", { name: "Name" })).toHaveAttribute(
    "aria-sort",
    "ascending",
  );
  await expect(keys.getByRole("row").nth(1)).toContainText("backend");
  await keys.getByRole("row").nth(1).focus();
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("Enter");
  const editor = page.getByRole("dialog", { name: /Edit key mobile app/ });
  await expect(editor).toBeVisible();
  await checkPage(page, "keys-editor");

  await editor.getByLabel("Name", { exact: true }).fill("mobile app v2");
  await editor.getByLabel("Meta (JSON object)").fill('{"plan": "pro"}');
  await editor.getByLabel("Credits remaining (empty: unlimited)").fill("5");
  await editor.getByRole("button", { name: "Add ratelimit" }).click();
  await editor.getByLabel("Ratelimit name").fill("requests");
  await editor.getByLabel("Limit", { exact: true }).fill("10");
  await editor.getByRole("button", { name: "Save key" }).click();
  await expect(editor).toHaveCount(0);
  const edited = keys.getByRole("row", { name: /mobile app v2/ });
  await expect(edited).toContainText("5");
  const keyId = (await edited.locator(".mono").first().textContent())!;
  const stored = (await unkey.keys.getKey({ keyId })).data;
  expect(stored).toMatchObject({
    name: "mobile app v2",
    meta: { plan: "pro" },
    credits: { remaining: 5 },
    ratelimits: [expect.objectContaining({ name: "requests", limit: 10, duration: 60_000 })],
  });
  await checkPage(page, "keys");
  // Last used, credits, identity and grants come from the list response: no request per row.
  expect(apiRequests.filter((request) => /keys\.getKey|keys\.whoami/.test(request.url))).toEqual(
    [],
  );

  // Disabled in the table: verification fails at once.
  const backend = keys.getByRole("row", { name: /backend/ });
  await backend.getByRole("button", { name: "Disable" }).click();
  await expect(backend).toContainText("Disabled");
  await expect(backend.getByRole("button", { name: "Enable" })).toBeVisible();
  await expect
    .poll(async () => (await unkey.keys.verifyKey({ key: backendKey })).data.code)
    .toBe("DISABLED");

  // Rerolled: a new plaintext, shown once and never stored in the browser.
  await page.getByRole("button", { name: "Done" }).click();
  await edited.getByRole("button", { name: "Reroll" }).click();
  await expect(secret).toBeVisible();
  const rerolled = (await secret.textContent())!;
  expect(rerolled).not.toBe(backendKey);
  const storage = await page.evaluate(
    () => JSON.stringify(sessionStorage) + JSON.stringify(localStorage),
  );
  expect(storage).not.toContain(rerolled);
  expect(storage).not.toContain(backendKey);

  await backend.getByRole("button", { name: "Delete" }).click();
  await backend.getByRole("button", { name: "Delete key" }).click();
  await expect(keys.getByRole("row", { name: /backend/ })).toHaveCount(0);
  await expect
    .poll(async () => (await unkey.keys.verifyKey({ key: backendKey })).data.code)
    .toBe("NOT_FOUND");

  // Another workspace's session lists its own keyspace and none of these.
  await page.getByRole("button", { name: "Sign out" }).click();
  await signIn(page, stack.other.rootKey);
  await page.goto("/keys");
  await expect(page.getByRole("button", { name: "b-keys" })).toBeVisible();
  await expect(page.getByRole("button", { name: "billing-keys" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "storefront-customers" })).toHaveCount(0);
});

test("identities, roles and permissions attach to a key; a rate-limit override takes effect", async ({
  page,
  stack,
}) => {
  const unkey = serviceSdk(stack.apiUrl, stack.owner.rootKey);
  const { apiId } = (await unkey.apis.createApi({ name: "document-service" })).data;
  const { key } = (await unkey.keys.createKey({ apiId, name: "reader key" })).data;
  await unkey.ratelimit.limit({
    namespace: "document-api",
    identifier: "customer_42",
    limit: 10,
    duration: 60_000,
  });
  await signIn(page, stack.owner.rootKey);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Keys" }).click();
  const sections = page.getByRole("navigation", { name: "Keys sections" });

  await sections.getByRole("link", { name: "Identities" }).click();
  const create = page.getByRole("form", { name: "Create identity" });
  await create.getByLabel("External id").fill("customer_42");
  await create.getByLabel("Identity meta (JSON object)").fill('{"tier": "gold"}');
  await create.getByRole("button", { name: "Add ratelimit" }).click();
  await create.getByLabel("Ratelimit name").fill("requests");
  await create.getByLabel("Limit", { exact: true }).fill("100");
  await create.getByRole("button", { name: "Create identity" }).click();
  const identity = page.getByRole("row", { name: /customer_42/ });
  await expect(identity).toContainText("requests: 100 / 60000 ms");
  await identity.getByRole("button", { name: "Edit" }).click();
  const edit = page.getByRole("form", { name: "Save identity" });
  await edit.getByLabel("Limit", { exact: true }).fill("50");
  await edit.getByRole("button", { name: "Save identity" }).click();
  await expect(identity).toContainText("requests: 50 / 60000 ms");
  await checkPage(page, "identities");

  await sections.getByRole("link", { name: "Roles and permissions" }).click();
  await page.getByLabel("Permission slug").fill("documents.read");
  await page.getByRole("button", { name: "Create permission" }).click();
  await page.getByLabel("Permission slug").fill("documents.write");
  await page.getByRole("button", { name: "Create permission" }).click();
  const roleForm = page.getByRole("form", { name: "Create a role" });
  await roleForm.getByLabel("Role name").fill("reader");
  await roleForm.getByRole("checkbox", { name: "documents.read" }).check();
  await roleForm.getByRole("button", { name: "Create role" }).click();
  await expect(page.getByRole("row", { name: /reader/ })).toContainText("documents.read");
  await checkPage(page, "roles-permissions");

  // Attached in the key editor: the identity by external id, the role, a direct permission.
  await page.goto(`/keys?api=${apiId}`);
  const row = page.getByRole("row", { name: /reader key/ });
  await row.getByRole("button", { name: "Edit" }).click();
  const editor = page.getByRole("dialog", { name: /Edit key reader key/ });
  await editor.getByLabel("Identity (external id)").fill("customer_42");
  await editor.getByLabel("Add a role").selectOption("reader");
  await editor.getByRole("button", { name: "Add role" }).click();
  await expect(editor.getByRole("list", { name: "Roles of the key" })).toContainText("reader");
  await editor.getByLabel("Add a permission").selectOption("documents.write");
  await editor.getByRole("button", { name: "Add permission" }).click();
  await editor.getByRole("button", { name: "Remove permission documents.write" }).click();
  await expect(editor.getByText("No permissions.")).toBeVisible();
  await editor.getByRole("button", { name: "Save key" }).click();
  await expect(row).toContainText("customer_42");
  const verified = (await unkey.keys.verifyKey({ key, permissions: "documents.read" })).data;
  expect(verified).toMatchObject({ valid: true, identity: { externalId: "customer_42" } });
  expect((await unkey.keys.verifyKey({ key, permissions: "documents.write" })).data.code).toBe(
    "INSUFFICIENT_PERMISSIONS",
  );

  await sections.getByRole("link", { name: "Rate-limit overrides" }).click();
  await page.getByRole("textbox", { name: "Namespace", exact: true }).fill("document-api");
  await page.getByRole("button", { name: "Open namespace" }).click();
  await page.getByLabel("Identifier (* matches any run)").fill("customer_*");
  await page.getByLabel("Override limit").fill("1000");
  await page.getByRole("button", { name: "Set override" }).click();
  await expect(page.getByRole("row", { name: /customer_\*/ })).toContainText("1000");
  await checkPage(page, "ratelimit-overrides");
  const limited = await unkey.ratelimit.limit({
    namespace: "document-api",
    identifier: "customer_42",
    limit: 10,
    duration: 60_000,
  });
  expect(limited.data).toMatchObject({ limit: 1000, success: true });
});
