import pg from "pg";
import { checkPage, expect, signIn, test } from "./fixtures.js";

test("deployment cards show real states, follow a build log, cancel and approve", async ({
  page,
  stack,
}) => {
  await signIn(page, stack.owner.rootKey);
  await page.goto("/projects/shop/apps/storefront");
  const card = (id: string) => page.getByRole("article", { name: `Deployment ${id}` });

  await expect(card(stack.seeded.current)).toContainText("Ready");
  await expect(card(stack.seeded.current)).toContainText("Current");
  await expect(card(stack.seeded.failed)).toContainText("Failed");
  await expect(card(stack.seeded.failed)).toContainText("The build failed");
  await expect(card(stack.seeded.failed)).toContainText("RUN npm ci exited with code 1");
  await expect(card(stack.seeded.skipped)).toContainText("no changed file matches the watch paths");
  await expect(card(stack.seeded.awaitingApproval)).toContainText("Awaiting approval");
  await expect(page.locator('article[data-status="stopped"]')).toHaveCount(1);
  await expect(page.locator('article[data-status="idle"]')).toHaveCount(1);
  await expect(card(stack.seeded.building)).toContainText("main");
  await expect(card(stack.seeded.building)).toContainText("1829304");
  // The earlier production deployment offers what the API says it can do: roll back to it.
  await expect(
    card(stack.seeded.previous).getByRole("button", { name: "Roll back to this" }),
  ).toBeVisible();

  // The running build's log is open and follows: a line written now shows up without a reload.
  const log = card(stack.seeded.building).getByLabel("Build log");
  await expect(log).toContainText("Step 2/4 : RUN npm ci");
  await checkPage(page, "deployments");
  const client = new pg.Client({ connectionString: stack.databaseUrl });
  await client.connect();
  try {
    await client.query(
      `insert into deployment_logs (workspace_id, deployment_id, seq, at, step, stream, line)
       values ($1, $2, 4, now(), 'build', 'stdout', 'Step 3/4 : COPY . .')`,
      [stack.owner.workspaceId, stack.seeded.building],
    );
  } finally {
    await client.end();
  }
  await expect(log).toContainText("Step 3/4 : COPY . .");

  await card(stack.seeded.building).getByRole("button", { name: "Cancel build" }).click();
  await expect(card(stack.seeded.building)).toContainText("Cancelled");
  await expect(
    card(stack.seeded.building).getByRole("button", { name: "Cancel build" }),
  ).toHaveCount(0);

  await card(stack.seeded.awaitingApproval).getByRole("button", { name: "Approve" }).click();
  await expect(card(stack.seeded.awaitingApproval)).toContainText("Queued");

  // Approving twice is refused with the API's reason, not a crash.
  await page.reload();
  await expect(
    card(stack.seeded.awaitingApproval).getByRole("button", { name: "Approve" }),
  ).toHaveCount(0);
});
