import { expect, signIn, test } from "./fixtures.js";

// The DOM holds the rows in view plus the overscan (DataTable): a generous bound well under a page.
const maxRowsInDom = 80;

test("10 000 request-log rows: the table keeps few rows in the DOM and scrolls to the last", async ({
  page,
  stack,
}) => {
  const { count, newestPath, oldestPath } = stack.bulk.requestLogs;
  await signIn(page, stack.bulk.rootKey);
  await page.getByRole("link", { name: "Request logs" }).click();
  const table = page.getByRole("table", { name: "Request logs" });
  const rows = table.locator("tbody tr[data-index]");
  await expect(rows.first()).toContainText(newestPath);
  expect(await rows.count()).toBeLessThanOrEqual(maxRowsInDom);

  // Scroll to the bottom until every page is loaded: each scroll to the end loads one more page
  // (the row count grows), and the loop is bounded by the number of rows.
  const scroller = page.locator(".table-scroll");
  const toBottom = () =>
    scroller.evaluate((element) => {
      element.scrollTop = element.scrollHeight;
    });
  let rowCount = Number(await table.getAttribute("aria-rowcount"));
  for (let scrolls = 0; rowCount < count + 1 && scrolls <= count; scrolls++) {
    await toBottom();
    await expect(table).not.toHaveAttribute("aria-rowcount", String(rowCount));
    rowCount = Number(await table.getAttribute("aria-rowcount"));
  }
  await toBottom();
  const oldest = table.getByRole("row", { name: new RegExp(`${oldestPath}\\b`) });
  await expect(oldest).toBeVisible();

  await expect(table).toHaveAttribute("aria-rowcount", String(count + 1));
  await expect(oldest).toHaveAttribute("aria-rowindex", String(count + 1));
  expect(await rows.count()).toBeLessThanOrEqual(maxRowsInDom);
  await expect(table.getByRole("row", { name: new RegExp(`${newestPath}\\b`) })).toHaveCount(0);
});
