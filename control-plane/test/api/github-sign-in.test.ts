import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { auditLogs, sessions } from "../../src/db/schema/index.js";
import type { TestWorkspace } from "../harness/api.js";
import { sessionFrom, sessionPost } from "../harness/browser-session.js";
import { startTestPipeline, type TestPipeline } from "../harness/pipeline.js";

let pipeline: TestPipeline;
let first: TestWorkspace;
let second: TestWorkspace;

beforeAll(async () => {
  pipeline = await startTestPipeline();
  first = await pipeline.api.newWorkspace("first");
  second = await pipeline.api.newWorkspace("second");
  await first.sdk.projects.createProject({ name: "First", slug: "first" });
  await second.sdk.projects.createProject({ name: "Second", slug: "second" });
  // Installation 601 is bound to `first`, then 602 to `second`; 603 is bound to nobody.
  for (const [workspace, installationId] of [
    [first, 601],
    [second, 602],
  ] as const) {
    const linked = await pipeline.linkInstallation(workspace, installationId);
    expect(linked.status, await linked.text()).toBe(200);
  }
  pipeline.github.addInstallation(603, "unbound-org");
});

/** A browser signing in: Slipway's start, GitHub's authorize page, back to the callback. */
async function signInWithGitHub(login: string | undefined, accept = "*/*") {
  const api = pipeline.api;
  pipeline.github.userAuth.signInAs(login);
  const start = await fetch(`${api.url}/auth/github/start`, { redirect: "manual" });
  expect(start.status).toBe(302);
  const flowCookie = (start.headers.get("set-cookie") ?? "").split(";")[0]!;
  const authorize = new URL(start.headers.get("location")!);
  const atGitHub = await fetch(authorize, { redirect: "manual" });
  expect(atGitHub.status).toBe(302);
  const callback = new URL(atGitHub.headers.get("location")!);
  const response = await fetch(callback, {
    redirect: "manual",
    headers: { cookie: flowCookie, accept },
  });
  return { start, authorize, flowCookie, callback, response };
}

describe("signing in with GitHub", () => {
  it("sends the browser to GitHub with a state bound to it by a cookie", async () => {
    const start = await fetch(`${pipeline.api.url}/auth/github/start`, { redirect: "manual" });
    expect(start.status).toBe(302);
    expect(start.headers.get("set-cookie")).toMatch(
      /^slipway_github_sign_in=[\w-]+; Path=\/auth\/github; Max-Age=600; HttpOnly; SameSite=Lax$/,
    );
    const authorize = new URL(start.headers.get("location")!);
    expect(authorize.origin + authorize.pathname).toBe(
      `${pipeline.github.url}/login/oauth/authorize`,
    );
    expect(authorize.searchParams.get("client_id")).toBe(pipeline.github.userAuth.clientId);
    expect(authorize.searchParams.get("redirect_uri")).toBe(
      `${pipeline.api.url}/auth/github/callback`,
    );
    expect(authorize.searchParams.get("state")).toBeTruthy();
  });

  it("gives a member of a bound installation's account a session in its workspace, then goes to /", async () => {
    pipeline.github.userAuth.share(601, "octo-member");
    const { response } = await signInWithGitHub("octo-member");
    expect(response.status, await response.clone().text()).toBe(302);
    expect(response.headers.get("location")).toBe("/");
    const cookies = response.headers.getSetCookie();
    expect(cookies[0]).toMatch(/^slipway_github_sign_in=; Path=\/auth\/github; Max-Age=0/);
    expect(cookies[1]).toMatch(
      /^slipway_session=[A-Za-z0-9_-]{43}; HttpOnly; SameSite=Strict; Path=\/; Max-Age=43200$/,
    );
    // The page loads and recovers its session from the cookie.
    const partial = { cookie: cookies[1]!.split(";")[0]!, csrfToken: "", sessionId: "" };
    const current = await sessionPost(
      pipeline.api,
      { ...partial, setCookie: cookies[1]!, token: "" },
      "/v2/sessions.getSession",
      {},
      { "x-slipway-csrf": undefined },
    );
    const { data } = await current.json();
    expect(data).toEqual({
      sessionId: expect.stringMatching(/^ses_/),
      workspaceId: first.workspaceId,
      expiresAt: expect.any(Number),
      csrfToken: expect.any(String),
      via: "github",
      user: { id: String(pipeline.github.userAuth.userIdOf("octo-member")), login: "octo-member" },
    });
    const session = sessionFrom(pipeline.api, cookies[1]!, data);
    const projects = await sessionPost(pipeline.api, session, "/v2/projects.listProjects");
    expect((await projects.json()).data.map((p: { slug: string }) => p.slug)).toEqual(["first"]);
    const [created] = await pipeline.api.database.db
      .select()
      .from(auditLogs)
      .where(eq(auditLogs.targetId, data.sessionId));
    expect(created).toMatchObject({
      action: "session.create",
      actorType: "github",
      actorId: "octo-member",
      workspaceId: first.workspaceId,
      context: { via: "github", installationId: "601" },
    });
  });

  it("chooses the installation bound first when the user can access several", async () => {
    pipeline.github.userAuth.share(602, "both-member");
    pipeline.github.userAuth.share(601, "both-member");
    const { response } = await signInWithGitHub("both-member");
    expect(response.status).toBe(302);
    const [row] = await pipeline.api.database.db
      .select()
      .from(sessions)
      .where(eq(sessions.githubLogin, "both-member"));
    expect(row?.workspaceId).toBe(first.workspaceId);
  });

  it("refuses a user without access to any bound installation: 403, no session", async () => {
    pipeline.github.userAuth.share(603, "outsider");
    for (const login of ["outsider", "nobody-at-all"]) {
      const { response } = await signInWithGitHub(login);
      expect(response.status).toBe(403);
      expect((await response.json()).error.detail).toContain(
        `The GitHub user ${login} cannot access any installation`,
      );
      expect(response.headers.getSetCookie().join()).not.toContain("slipway_session=");
      const stored = await pipeline.api.database.db
        .select()
        .from(sessions)
        .where(eq(sessions.githubLogin, login));
      expect(stored).toEqual([]);
    }
  });

  it("sends a person's browser back to the sign-in page with the reason, and no session", async () => {
    const page = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
    pipeline.github.userAuth.share(603, "browser-outsider");
    const refused = await signInWithGitHub("browser-outsider", page);
    expect(refused.response.status).toBe(302);
    expect(refused.response.headers.get("location")).toBe("/sign-in?github=not_member");
    expect(refused.response.headers.getSetCookie().join()).not.toContain("slipway_session=");
    const declined = await signInWithGitHub(undefined, page);
    expect(declined.response.headers.get("location")).toBe("/sign-in?github=declined");
    const again = await fetch(declined.callback, {
      redirect: "manual",
      headers: { cookie: declined.flowCookie, accept: page },
    });
    expect(again.headers.get("location")).toBe("/sign-in?github=declined");
  });

  it("refuses a declined authorization, a replayed state, another browser's state and a forged one", async () => {
    const declined = await signInWithGitHub(undefined);
    expect(declined.response.status).toBe(403);
    expect((await declined.response.json()).error.detail).toContain("access_denied");

    pipeline.github.userAuth.share(601, "replayer");
    const { callback, flowCookie, response } = await signInWithGitHub("replayer");
    expect(response.status).toBe(302);
    const again = new URL(callback);
    again.searchParams.set("code", pipeline.github.userAuth.authorize("replayer"));
    const replayed = await fetch(again, { redirect: "manual", headers: { cookie: flowCookie } });
    expect(replayed.status).toBe(400);
    expect((await replayed.json()).error.detail).toContain("used already");

    const fresh = await fetch(`${pipeline.api.url}/auth/github/start`, { redirect: "manual" });
    const state = new URL(fresh.headers.get("location")!).searchParams.get("state")!;
    const code = pipeline.github.userAuth.authorize("replayer");
    const elsewhere = await fetch(
      `${pipeline.api.url}/auth/github/callback?${new URLSearchParams({ code, state })}`,
      { redirect: "manual" },
    );
    expect(elsewhere.status).toBe(400);
    expect((await elsewhere.json()).error.errors[0].location).toBe("cookie");
    const forged = await fetch(
      `${pipeline.api.url}/auth/github/callback?${new URLSearchParams({ code, state: `${state.slice(0, -2)}xx` })}`,
      {
        redirect: "manual",
        headers: { cookie: (fresh.headers.get("set-cookie") ?? "").split(";")[0]! },
      },
    );
    expect(forged.status).toBe(400);
    expect((await forged.json()).error.errors[0].location).toBe("query.state");
    const sessionsOfReplayer = await pipeline.api.database.db
      .select()
      .from(sessions)
      .where(eq(sessions.githubLogin, "replayer"));
    expect(sessionsOfReplayer).toHaveLength(1);
  });
});
