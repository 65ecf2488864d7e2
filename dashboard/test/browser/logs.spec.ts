import { checkPage, expect, signIn, test } from "./fixtures.js";
import { callApi, throughSentinel } from "./sentinel-request.js";

test("request logs: a chart of the window, filters on codes, ranges, classes and methods", async ({
  page,
  stack,
}) => {
  await signIn(page, stack.owner.rootKey);
  await page.getByRole("link", { name: "Request logs" }).click();
  // The seeded requests only (Sentinel's own traffic in this stack goes to another host).
  await page.getByLabel("Host").fill("shop.acme.test");
  await page.getByRole("button", { name: "Apply filters" }).click();
  const table = page.getByRole("table", { name: "Request logs" });
  const rows = table.locator("tbody tr[data-index]");
  await expect(rows).toHaveCount(5);
  const chart = page.getByRole("img", { name: /requests? \(/ });
  await expect(chart).toHaveAccessibleName(/^5 requests \(2xx: 2, 4xx: 2, 5xx: 1\)/);
  await expect(page.locator(".request-chart rect.bar")).not.toHaveCount(0);
  await checkPage(page, "request-logs");

  const status = page.getByLabel("Status (404, 500-503, 5xx)");
  await status.fill("5xx");
  await page.getByRole("button", { name: "Apply filters" }).click();
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText("/api/checkout");
  await expect(chart).toHaveAccessibleName(/^1 request \(5xx: 1\)/);

  await status.fill("400-499");
  await page.getByRole("button", { name: "Apply filters" }).click();
  await expect(rows).toHaveCount(2);

  await status.fill("404, 403");
  await page.getByRole("button", { name: "Apply filters" }).click();
  await expect(rows).toHaveCount(2);

  await page.getByLabel("Method").fill("delete");
  await page.getByRole("button", { name: "Apply filters" }).click();
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText("/api/admin");

  await status.fill("999");
  await page.getByRole("button", { name: "Apply filters" }).click();
  await expect(page.getByRole("alert")).toContainText('status "999"');
});

test("request logs: a request through Sentinel opens in a drawer with its headers and body, credentials redacted", async ({
  page,
  stack,
}) => {
  const refs = { project: "shop", app: "storefront", environment: "production" };
  const secret = "sk_live_drawer_secret_7";
  await callApi(stack, "gateway.setPolicies", {
    ...refs,
    policies: [
      {
        name: "capture everything",
        enabled: true,
        logging: {
          requestHeaders: true,
          responseHeaders: true,
          requestBody: true,
          responseBody: true,
          query: true,
        },
      },
    ],
  });
  try {
    // Sentinel picks the policy up by NOTIFY and writes logs in batches: send until one request
    // is stored with its captured headers.
    const path = `/orders-${Date.now().toString(36)}`;
    await expect(async () => {
      await throughSentinel(stack.sentinel, path, {
        method: "POST",
        headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
        body: '{"item":"tea","quantity":2}',
      });
      const listed = (await callApi(stack, "requestLogs.listRequestLogs", {
        hosts: [stack.sentinel.host],
        pathPrefix: path,
        includePayloads: true,
        limit: 10,
      })) as Array<{ requestHeaders?: object }>;
      expect(listed.some((log) => log.requestHeaders !== undefined)).toBe(true);
    }).toPass({ timeout: 30_000, intervals: [500] });

    await signIn(page, stack.owner.rootKey);
    await page.getByRole("link", { name: "Request logs" }).click();
    await page.getByLabel("Host").fill(stack.sentinel.host);
    await page.getByLabel("Path prefix").fill(path);
    await page.getByRole("button", { name: "Apply filters" }).click();
    const rows = page.getByRole("table", { name: "Request logs" }).locator("tbody tr[data-index]");
    await expect(rows.first()).toContainText(path);

    // Enter on the focused row opens the drawer; the API's redaction is what it shows.
    await rows.last().focus();
    await page.keyboard.press("Enter");
    const drawer = page.getByRole("dialog", { name: `POST ${path}` });
    const requestHeaders = drawer.getByRole("table", { name: "Request headers" });
    await expect(requestHeaders.getByRole("row", { name: /authorization/ })).toContainText(
      "[REDACTED]",
    );
    await expect(drawer.getByRole("region", { name: "Request body" })).toContainText(
      '{"item":"tea","quantity":2}',
    );
    await expect(drawer.getByRole("region", { name: "Response body" })).toContainText(
      "upstream says hello",
    );
    await expect(page.getByText(secret)).toHaveCount(0);
    await checkPage(page, "request-log-drawer");
    await page.keyboard.press("Escape");
    await expect(drawer).toHaveCount(0);
    await expect(rows.last()).toBeFocused();

    // A click opens it too.
    await rows.first().click();
    await expect(drawer).toBeVisible();
    await drawer.getByRole("button", { name: "Close" }).click();
    await expect(drawer).toHaveCount(0);
  } finally {
    await callApi(stack, "gateway.setPolicies", { ...refs, policies: [] });
  }
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
