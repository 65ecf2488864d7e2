import { createHash } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { auditLogs, rootKeys, sessions } from "../../src/db/schema/index.js";
import { addRootKey } from "../../src/services/workspaces.js";
import { startTestApi, type TestApi, type TestWorkspace } from "../harness/api.js";
import { sessionPost, signInWithRootKey } from "../harness/browser-session.js";

let api: TestApi;
let admin: TestWorkspace;
/** How far the API's clock is ahead of the real one (sessions expire by it). */
let clockAheadMs = 0;
const clock = () => new Date(Date.now() + clockAheadMs);
const twelveHours = 12 * 3600;

beforeAll(async () => {
  api = await startTestApi({ clock });
  admin = await api.newWorkspace("admin");
  await admin.sdk.projects.createProject({ name: "Alpha", slug: "alpha" });
  await admin.sdk.projects.createProject({ name: "Beta", slug: "beta" });
});

async function scopedKey(permissions: string[]) {
  const created = await addRootKey(api.database.db, {
    workspaceId: admin.workspaceId,
    keyName: "scoped",
    permissions,
  });
  api.secrets.add(created.rootKey);
  return created;
}

const bearer = (path: string, body: unknown, rootKey: string) => api.post(path, body, rootKey);

describe("signing in to the dashboard with a root key", () => {
  it("answers the session and sets an HttpOnly, SameSite=Strict cookie (no Secure over plain HTTP)", async () => {
    const before = clock().getTime();
    const response = await api.post("/v2/sessions.createSession", { rootKey: admin.rootKey });
    const body = await response.json();
    expect(response.status).toBe(200);
    const setCookie = response.headers.get("set-cookie") ?? "";
    expect(setCookie).toMatch(
      /^slipway_session=[A-Za-z0-9_-]{43}; HttpOnly; SameSite=Strict; Path=\/; Max-Age=43200$/,
    );
    const token = setCookie.split(";")[0]!.split("=")[1]!;
    api.secrets.add(token);
    api.secrets.add(body.data.csrfToken);
    expect(body.meta.requestId).toMatch(/^req_/);
    expect(body.data).toEqual({
      sessionId: expect.stringMatching(/^ses_/),
      workspaceId: admin.workspaceId,
      expiresAt: expect.any(Number),
      csrfToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      via: "rootKey",
    });
    expect(body.data.expiresAt).toBeGreaterThanOrEqual(before + twelveHours * 1000);
    expect(body.data.expiresAt).toBeLessThanOrEqual(clock().getTime() + twelveHours * 1000);
    expect(JSON.stringify(body)).not.toContain(token);
    expect(response.headers.get("cache-control")).toBe("no-store");
    // Only the token's hash is stored; the key itself is nowhere in the row.
    const [row] = await api.database.db
      .select()
      .from(sessions)
      .where(eq(sessions.id, body.data.sessionId));
    expect(row!.tokenHash).toBe(createHash("sha256").update(token).digest("hex"));
    expect(JSON.stringify(row)).not.toContain(token);
    expect(JSON.stringify(row)).not.toContain(admin.rootKey);
  });

  it("refuses a wrong or revoked root key with 401 and sets no cookie", async () => {
    const revoked = await scopedKey(["*"]);
    await api.database.db
      .update(rootKeys)
      .set({ revokedAt: new Date() })
      .where(eq(rootKeys.id, revoked.rootKeyId));
    for (const rootKey of ["sw_root_not-a-key", revoked.rootKey]) {
      const response = await api.post("/v2/sessions.createSession", { rootKey });
      expect(response.status).toBe(401);
      expect(response.headers.get("set-cookie")).toBeNull();
      expect((await response.json()).error.detail).toContain("not valid or has been revoked");
    }
    const missing = await api.post("/v2/sessions.createSession", {});
    expect(missing.status).toBe(400);
    expect((await missing.json()).error.errors[0].location).toBe("body.rootKey");
  });

  it("lets a reloaded page recover the session and its CSRF token from the cookie alone", async () => {
    const session = await signInWithRootKey(api, admin.rootKey);
    const response = await sessionPost(
      api,
      session,
      "/v2/sessions.getSession",
      {},
      {
        "x-slipway-csrf": undefined,
      },
    );
    expect(response.status).toBe(200);
    expect((await response.json()).data).toEqual({
      sessionId: session.sessionId,
      workspaceId: admin.workspaceId,
      expiresAt: expect.any(Number),
      csrfToken: session.csrfToken,
      via: "rootKey",
    });
    const withoutCookie = await api.post("/v2/sessions.getSession", {});
    expect(withoutCookie.status).toBe(401);
  });
});

describe("a session acts as the root key that made it", () => {
  it("sees exactly what the key sees, and follows the key's permissions as they change", async () => {
    const key = await scopedKey(["project.*.read_project"]);
    const session = await signInWithRootKey(api, key.rootKey);
    const calls: Array<[string, unknown]> = [
      ["/v2/projects.listProjects", {}],
      ["/v2/projects.getProject", { project: "alpha" }],
      ["/v2/projects.createProject", { name: "Gamma", slug: "gamma" }],
      ["/v2/apps.listApps", { project: "alpha" }],
      ["/v2/projects.getProject", { project: "no-such-project" }],
    ];
    const statuses: number[] = [];
    for (const [path, body] of calls) {
      const byKey = await bearer(path, body, key.rootKey);
      const bySession = await sessionPost(api, session, path, body);
      const [keyBody, sessionBody] = [await byKey.json(), await bySession.json()];
      expect(bySession.status, path).toBe(byKey.status);
      expect(sessionBody.data ?? sessionBody.error.detail, path).toEqual(
        keyBody.data ?? keyBody.error.detail,
      );
      statuses.push(byKey.status);
    }
    expect(statuses).toEqual([200, 200, 403, 403, 404]);
    // The key gains create_project: the session can create at once, audited as the key.
    await api.database.db
      .update(rootKeys)
      .set({ permissions: ["project.*.read_project", "project.*.create_project"] })
      .where(eq(rootKeys.id, key.rootKeyId));
    const created = await sessionPost(api, session, "/v2/projects.createProject", {
      name: "Gamma",
      slug: "gamma",
    });
    expect(created.status).toBe(200);
    const projectId = (await created.json()).data.id;
    const [audit] = await api.database.db
      .select()
      .from(auditLogs)
      .where(and(eq(auditLogs.targetId, projectId), eq(auditLogs.action, "project.create")));
    expect([audit?.actorType, audit?.actorId]).toEqual(["root_key", key.rootKeyId]);
  });

  it("ends when its root key is revoked: 401, and the browser is told to forget the cookie", async () => {
    const key = await scopedKey(["*"]);
    const session = await signInWithRootKey(api, key.rootKey);
    expect((await sessionPost(api, session, "/v2/projects.listProjects")).status).toBe(200);
    await api.database.db
      .update(rootKeys)
      .set({ revokedAt: new Date() })
      .where(eq(rootKeys.id, key.rootKeyId));
    const response = await sessionPost(api, session, "/v2/projects.listProjects");
    expect(response.status).toBe(401);
    expect((await response.json()).error.detail).toContain("root key that started this session");
    expect(response.headers.get("set-cookie")).toMatch(/^slipway_session=; HttpOnly;.*Max-Age=0/);
    const recovered = await sessionPost(api, session, "/v2/sessions.getSession");
    expect(recovered.status).toBe(401);
  });
});

describe("the session cookie cannot be used by another site", () => {
  it("refuses a request without the session's CSRF token, or with a wrong one, with 403", async () => {
    const session = await signInWithRootKey(api, admin.rootKey);
    const other = await signInWithRootKey(api, admin.rootKey);
    const create = (csrf: string | undefined) =>
      sessionPost(
        api,
        session,
        "/v2/projects.createProject",
        { name: "Csrf", slug: "csrf" },
        { "x-slipway-csrf": csrf },
      );
    for (const csrf of [undefined, "", "wrong", other.csrfToken, `${session.csrfToken}x`]) {
      const response = await create(csrf);
      expect(response.status, String(csrf)).toBe(403);
      expect((await response.json()).error.detail).toContain("X-Slipway-CSRF");
    }
    const listed = await sessionPost(api, session, "/v2/projects.listProjects");
    expect((await listed.json()).data.map((p: { slug: string }) => p.slug)).not.toContain("csrf");
    expect((await create(session.csrfToken)).status).toBe(200);
  });

  it("refuses a cross-site Origin or Sec-Fetch-Site with 403, even with the right CSRF token", async () => {
    const session = await signInWithRootKey(api, admin.rootKey);
    const crossSite: Array<Record<string, string | undefined>> = [
      { origin: "https://evil.example" },
      { origin: "null" },
      { origin: api.url.replace("127.0.0.1", "localhost") },
      { "sec-fetch-site": "cross-site" },
      { "sec-fetch-site": "same-site" },
      { "sec-fetch-site": "cross-site", origin: undefined },
    ];
    for (const headers of crossSite) {
      for (const path of ["/v2/projects.createProject", "/v2/sessions.getSession"]) {
        const response = await sessionPost(
          api,
          session,
          path,
          path.includes("create") ? { name: "Evil", slug: "evil" } : {},
          headers,
        );
        expect(response.status, `${path} ${JSON.stringify(headers)}`).toBe(403);
        expect((await response.json()).error.detail).toContain("another site");
      }
    }
    const missing = await sessionPost(api, session, "/v2/projects.getProject", { project: "evil" });
    expect(missing.status).toBe(404);
    // A request without Origin or Sec-Fetch-Site (an older browser, curl) still needs the token.
    const plain = await sessionPost(
      api,
      session,
      "/v2/projects.listProjects",
      {},
      {
        origin: undefined,
        "sec-fetch-site": undefined,
      },
    );
    expect(plain.status).toBe(200);
  });
});

describe("signing out", () => {
  it("ends the session on the server and clears the cookie; the old cookie gets 401", async () => {
    const session = await signInWithRootKey(api, admin.rootKey);
    const withoutToken = await sessionPost(
      api,
      session,
      "/v2/sessions.deleteSession",
      {},
      {
        "x-slipway-csrf": undefined,
      },
    );
    expect(withoutToken.status).toBe(403);
    const response = await sessionPost(api, session, "/v2/sessions.deleteSession");
    expect(response.status).toBe(200);
    expect(response.headers.get("set-cookie")).toBe(
      "slipway_session=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0",
    );
    for (const path of [
      "/v2/projects.listProjects",
      "/v2/sessions.getSession",
      "/v2/sessions.deleteSession",
    ]) {
      const after = await sessionPost(api, session, path);
      expect(after.status, path).toBe(401);
      expect((await after.json()).error.detail).toContain("signed out");
    }
    const [row] = await api.database.db
      .select()
      .from(sessions)
      .where(eq(sessions.id, session.sessionId));
    expect(row?.revokedAt).toBeInstanceOf(Date);
  });

  it("records sign-in and sign-out in the audit log, as the root key", async () => {
    const session = await signInWithRootKey(api, admin.rootKey);
    await sessionPost(api, session, "/v2/sessions.deleteSession");
    const listed = await api.post(
      "/v2/auditLogs.listAuditLogs",
      { targetId: session.sessionId },
      admin.rootKey,
    );
    const rows: Array<{ action: string; actor: { type: string; id: string } }> = (
      await listed.json()
    ).data;
    const [adminKey] = await api.database.db
      .select()
      .from(rootKeys)
      .where(eq(rootKeys.workspaceId, admin.workspaceId))
      .limit(1);
    expect(rows.map((row) => [row.action, row.actor.type, row.actor.id])).toEqual([
      ["session.delete", "root_key", adminKey!.id],
      ["session.create", "root_key", adminKey!.id],
    ]);
  });

  it("refuses an expired session with 401", async () => {
    const session = await signInWithRootKey(api, admin.rootKey);
    clockAheadMs = twelveHours * 1000 - 60_000;
    try {
      expect((await sessionPost(api, session, "/v2/projects.listProjects")).status).toBe(200);
      clockAheadMs = twelveHours * 1000 + 1000;
      const response = await sessionPost(api, session, "/v2/projects.listProjects");
      expect(response.status).toBe(401);
      expect((await response.json()).error.detail).toContain("expired");
    } finally {
      clockAheadMs = 0;
    }
  });

  it("refuses a made-up or malformed session cookie with 401", async () => {
    const session = await signInWithRootKey(api, admin.rootKey);
    for (const cookie of [
      `slipway_session=${"A".repeat(43)}`,
      "slipway_session=short",
      "slipway_session=x; slipway_session=other",
    ]) {
      const response = await sessionPost(api, { ...session, cookie }, "/v2/projects.listProjects");
      expect(response.status, cookie).toBe(401);
    }
  });
});

describe("GitHub sign-in without the GitHub App's client", () => {
  it("answers 404 with what to configure", async () => {
    for (const path of ["/auth/github/start", "/auth/github/callback?code=x&state=y"]) {
      const response = await fetch(`${api.url}${path}`, { redirect: "manual" });
      expect(response.status, path).toBe(404);
      expect((await response.json()).error.detail).toContain("GITHUB_CLIENT_ID");
    }
  });
});

describe("behind TLS, with a bound on sessions", () => {
  it("marks the cookie Secure, and a workspace's newest sessions push out its oldest", async () => {
    const tls = await startTestApi({
      env: {
        SLIPWAY_PUBLIC_URL: "https://slipway.example.com",
        SLIPWAY_SESSIONS_PER_WORKSPACE: "2",
        SLIPWAY_SESSION_TTL_SECONDS: "3600",
      },
    });
    const workspace = await tls.newWorkspace("bounded");
    const first = await signInWithRootKey(tls, workspace.rootKey);
    expect(first.setCookie).toMatch(/; Max-Age=3600; Secure$/);
    // The public URL's origin is this Slipway's own.
    const fromPublic = await sessionPost(
      tls,
      first,
      "/v2/projects.listProjects",
      {},
      {
        origin: "https://slipway.example.com",
      },
    );
    expect(fromPublic.status).toBe(200);
    const second = await signInWithRootKey(tls, workspace.rootKey);
    const third = await signInWithRootKey(tls, workspace.rootKey);
    expect((await sessionPost(tls, first, "/v2/projects.listProjects")).status).toBe(401);
    expect((await sessionPost(tls, second, "/v2/projects.listProjects")).status).toBe(200);
    expect((await sessionPost(tls, third, "/v2/projects.listProjects")).status).toBe(200);
    const stored = await tls.database.db
      .select()
      .from(sessions)
      .where(eq(sessions.workspaceId, workspace.workspaceId));
    expect(stored.map((row) => row.id).sort()).toEqual([second.sessionId, third.sessionId].sort());
  });
});
