import type { Request } from "@playwright/test";
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

test("one workspace's session never sees another's objects, even at their URLs, and its cookie does not work from another site", async ({
  page,
  stack,
}) => {
  await signIn(page, stack.owner.rootKey);
  await expect(page.getByRole("row", { name: /Shop/ })).toBeVisible();
  await expect(page.getByRole("row", { name: /B site/ })).toHaveCount(0);
  // The other workspace's project and keyspace, opened by their ids: not found, nothing shown.
  await page.goto(`/projects/${stack.other.projectId}`);
  await expect(page.getByRole("alert")).toContainText("does not exist");
  await page.goto(`/keys?api=${stack.other.apiId}`);
  await expect(page.getByRole("alert")).toContainText("does not exist");
  await expect(page.getByText("b-secret-key")).toHaveCount(0);

  // A page on another site, in this signed-in browser, links to the dashboard and posts to the
  // API: the SameSite=Strict cookie goes with neither (Lax would go with the link), so the API
  // sees no session at all.
  const target = `${stack.url}/v2/projects.listProjects`;
  await page.route("http://attacker.test/**", (route) =>
    route.fulfill({
      contentType: "text/html",
      body: `<!doctype html><html lang="en"><title>Elsewhere</title><a href="${stack.url}/projects">Open</a><form method="post" action="${target}" enctype="text/plain"><input name="{}" value=""><button>Go</button></form></html>`,
    }),
  );
  const cookieSentWith = async (request: Request) =>
    ((await request.allHeaders()).cookie ?? "").includes("slipway_session");
  await page.goto("http://attacker.test/");
  const followed = page.waitForRequest(`${stack.url}/projects`);
  await page.getByRole("link", { name: "Open" }).click();
  expect(await cookieSentWith(await followed)).toBe(false);

  await page.goto("http://attacker.test/");
  const posted = page.waitForRequest(target);
  await page.getByRole("button", { name: "Go" }).click();
  const request = await posted;
  expect(await cookieSentWith(request)).toBe(false);
  const answer = await request.response();
  expect(answer?.status()).toBe(401);
  expect(await answer?.text()).not.toContain("shop");
});
