import { checkPage, expect, signIn, test } from "./fixtures.js";
import { callApi, throughSentinel } from "./sentinel-request.js";

test("policies: create with validated regexes, reorder by keyboard and drag, disable, edit, delete; Sentinel enforces each change", async ({
  page,
  stack,
}) => {
  const answer = (path: string) => throughSentinel(stack.sentinel, path);
  const answerOf = async (path: string) => {
    const { status, body } = await answer(path);
    return `${status} ${body}`;
  };
  const poll = (path: string) => expect.poll(() => answerOf(path), { timeout: 20_000 });
  // The environment starts with no policies (a retry starts over).
  await callApi(stack, "gateway.setPolicies", {
    project: "shop",
    app: "storefront",
    environment: "production",
    policies: [],
  });
  await poll("/admin").toBe("200 upstream says hello");
  // A key-auth policy names a keyspace (an API) of the workspace.
  const { apiId: keyspace } = (await callApi(stack, "apis.createApi", {
    name: `policies-${Date.now().toString(36)}`,
  })) as { apiId: string };

  await signIn(page, stack.owner.rootKey);
  await page.goto("/projects/shop/apps/storefront");
  await page
    .locator("li", { hasText: "(production)" })
    .getByRole("link", { name: "Sentinel policies" })
    .click();
  await expect(page.getByRole("heading", { name: "Sentinel policies · production" })).toBeVisible();
  await expect(page.getByText("No policies")).toBeVisible();

  // A firewall rule on a regex: RE2's verdict shows as it is typed, and blocks saving.
  await page.getByRole("button", { name: "Add a policy" }).click();
  const editor = page.getByRole("dialog", { name: "New policy" });
  await editor.getByLabel("Policy name").fill("deny admin");
  await editor.getByRole("button", { name: "Add a match expression" }).click();
  await editor.getByLabel("Match 1 comparison").selectOption("regex");
  await editor.getByLabel("Match 1 value").fill("^/admin(?=/)");
  await expect(editor.getByText(/Invalid RE2 regex/)).toBeVisible();
  await expect(editor.getByLabel("Match 1 value")).toHaveAttribute("aria-invalid", "true");
  await expect(editor.getByRole("button", { name: "Save policy" })).toBeDisabled();
  await editor.getByLabel("Match 1 value").fill("^/admin(/|$)");
  await expect(editor.getByText(/Invalid RE2 regex/)).toHaveCount(0);
  await editor.getByRole("button", { name: "Save policy" }).click();
  await expect(editor).toHaveCount(0);
  await poll("/admin").toMatch(/^403 .*deny admin/);
  expect(await answerOf("/")).toBe("200 upstream says hello");

  // A key-auth rule on the same path, appended: the firewall still answers first.
  await page.getByRole("button", { name: "Add a policy" }).click();
  await editor.getByLabel("Policy name").fill("require key");
  await editor.getByLabel("Rule").selectOption("keyauth");
  await editor.getByRole("button", { name: "Add a match expression" }).click();
  await editor.getByLabel("Match 1 value").fill("/admin");
  await expect(editor.getByText(/keyauth\.keyspaces/)).toBeVisible();
  await editor.getByLabel("Keyspaces (ids, comma-separated)").fill(keyspace);
  await checkPage(page, "policy-editor");
  await editor.getByRole("button", { name: "Save policy" }).click();
  await expect(editor).toHaveCount(0);
  const rows = page
    .getByRole("list", { name: "Policies in evaluation order" })
    .getByRole("listitem");
  await expect(rows).toHaveCount(2);
  await expect(rows.nth(1)).toContainText("require key");
  await checkPage(page, "policies");

  // Keyboard: the key-auth rule moves up, focus follows it, Sentinel now asks for a key.
  await page.getByRole("button", { name: /^Reorder require key/ }).focus();
  await page.keyboard.press("ArrowUp");
  await expect(rows.nth(0)).toContainText("require key");
  await expect(
    page.getByRole("button", { name: "Reorder require key (position 1 of 2)" }),
  ).toBeFocused();
  await poll("/admin").toMatch(/^401 /);

  // Drag: the firewall back on top.
  await page.getByRole("button", { name: /^Reorder deny admin/ }).dragTo(rows.nth(0));
  await expect(rows.nth(0)).toContainText("deny admin");
  await poll("/admin").toMatch(/^403 .*deny admin/);

  // Disabled policies are skipped: with both off the request reaches the app.
  await page.getByRole("switch", { name: "Enabled: deny admin" }).uncheck();
  await poll("/admin").toMatch(/^401 /);
  await page.getByRole("switch", { name: "Enabled: require key" }).uncheck();
  await poll("/admin").toBe("200 upstream says hello");

  // Edit in place: the firewall now covers /private instead, and is on again.
  await page.getByRole("button", { name: "Edit deny admin" }).click();
  const edit = page.getByRole("dialog", { name: "Edit policy · deny admin" });
  await expect(edit.getByLabel("Match 1 value")).toHaveValue("^/admin(/|$)");
  await edit.getByLabel("Match 1 comparison").selectOption("prefix");
  await edit.getByLabel("Match 1 value").fill("/private");
  await edit.getByRole("checkbox", { name: "Enabled" }).check();
  await edit.getByRole("button", { name: "Save policy" }).click();
  await expect(edit).toHaveCount(0);
  await poll("/private/x").toMatch(/^403 .*deny admin/);
  expect(await answerOf("/admin")).toBe("200 upstream says hello");

  // Delete: the list and Sentinel both lose it.
  await rows.nth(0).getByRole("button", { name: "Delete" }).click();
  await rows.nth(0).getByRole("button", { name: "Delete deny admin" }).click();
  await expect(rows).toHaveCount(1);
  await poll("/private/x").toBe("200 upstream says hello");
});
