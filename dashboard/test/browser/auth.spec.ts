import { checkPage, expect, signIn, test } from "./fixtures.js";

test("sign in with a root key, stay signed in across a reload, sign out for good", async ({
  page,
  context,
  stack,
  apiRequests,
}) => {
  await page.goto("/projects");
  await expect(page).toHaveURL(/\/sign-in/);
  await expect(page.getByRole("link", { name: "sign in with GitHub" })).toHaveAttribute(
    "href",
    "/auth/github/start",
  );
  await checkPage(page, "sign-in");

  await page.getByLabel("Root key").fill("sw_root_not-a-real-key");
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.getByRole("alert")).toBeVisible();
  await expect(page).toHaveURL(/\/sign-in/);

  await signIn(page, stack.owner.rootKey);
  await expect(page.getByText(stack.owner.workspaceId)).toBeVisible();

  // The key is kept nowhere in the browser; the session cookie is HttpOnly and SameSite=Strict.
  const stored = await page.evaluate(
    () => JSON.stringify({ ...localStorage, ...sessionStorage }) + document.cookie,
  );
  expect(stored).not.toContain(stack.owner.rootKey);
  expect(stored).not.toContain("slipway_session");
  const cookie = (await context.cookies()).find(
    (candidate) => candidate.name === "slipway_session",
  );
  expect(cookie).toMatchObject({ httpOnly: true, sameSite: "Strict" });

  // Every call after sign-in carries the CSRF header and never a bearer.
  await page.reload();
  await expect(page.getByRole("heading", { name: "Projects", level: 1 })).toBeVisible();
  const afterSignIn = apiRequests.filter((request) => !request.url.includes("sessions."));
  expect(afterSignIn.length).toBeGreaterThan(0);
  for (const request of afterSignIn) {
    expect(request.headers.authorization).toBeUndefined();
    expect(request.headers["x-slipway-csrf"]).toBeTruthy();
  }

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in/);
  await page.goto("/projects");
  await expect(page).toHaveURL(/\/sign-in/);
  // The old cookie, replayed, is refused by the server: the session ended there, not only here.
  if (cookie) {
    await context.addCookies([{ ...cookie }]);
    await page.goto("/projects");
    await expect(page).toHaveURL(/\/sign-in/);
  }
});

test("one workspace's session never sees another's projects", async ({ page, stack }) => {
  await signIn(page, stack.other.rootKey);
  await expect(page.getByText("No projects yet")).toBeVisible();
  await page.goto("/projects/shop");
  await expect(page.getByRole("alert")).toBeVisible();
  await page.goto("/request-logs");
  await expect(page.getByText("No requests match")).toBeVisible();
});
