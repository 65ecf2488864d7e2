import { createPublicKey, createVerify, generateKeyPairSync, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { components } from "@octokit/openapi-types";
import { type FakeIssueComment, fakeIssueCommentsApi } from "./fake-github-comments.js";
import { type FakeDeployment, fakeDeploymentsApi } from "./fake-github-deployments.js";
import { fakePullRequestsApi } from "./fake-github-pulls.js";
import { FakeRepositoryContents } from "./fake-github-repository.js";
import { fakeUserAuthorizationApi } from "./fake-github-user-auth.js";

export type { FakeDeployment, FakeIssueComment };

type Schemas = components["schemas"];

export interface RecordedCall {
  method: string;
  path: string;
  authorization: string | undefined;
  body: unknown;
}

/** A check run as GitHub would hold it after the App's create and update calls. */
export interface FakeCheckRun {
  id: number;
  repository: string;
  head_sha: string;
  name: string;
  external_id?: string;
  status: string;
  conclusion?: string;
  output?: { title?: string; summary?: string };
  actions?: Array<{ label: string; identifier: string; description: string }>;
  /** Every state it went through, oldest first. */
  history: Array<{ status: string; conclusion?: string }>;
}

/**
 * A local stand-in for api.github.com: the REST endpoints the pipeline calls, answering with
 * GitHub's real response shapes (typed from @octokit/openapi-types). The App's JWT is verified
 * against the App's public key, and installation tokens are checked on every repository call.
 */
export interface FakeGitHub {
  url: string;
  appId: string;
  privateKey: string;
  calls: RecordedCall[];
  /** Files the compare API reports for `base...head`. */
  setComparison(repository: string, base: string, head: string, files: string[]): void;
  /** A user's role on a repository (absent users answer 404, as GitHub does for non-collaborators). */
  setPermission(
    repository: string,
    login: string,
    role: "admin" | "maintain" | "write" | "triage" | "read",
  ): void;
  /** Makes an installation of the App exist, owned by `login`. */
  addInstallation(id: number, login: string): void;
  /** The App's user authorization: its client, codes a person's browser brings back, tokens. */
  userAuth: ReturnType<typeof fakeUserAuthorizationApi>;
  /** Installation tokens minted so far, so tests can prove none leaked. */
  issuedTokens: string[];
  /** The repositories a token was restricted to when minted (`repositories` in the request). */
  tokenRepositories: Map<string, string[]>;
  checkRuns: Map<number, FakeCheckRun>;
  deployments: Map<number, FakeDeployment>;
  issueComments: Map<number, FakeIssueComment>;
  /** A comment written by someone else (a person, or another bot), as GitHub would hold it. */
  /**
   * Refuses matching calls as GitHub does when the installation lacks a permission (403
   * "Resource not accessible by integration"); the returned function lifts the refusal.
   */
  forbid(method: string, path: RegExp): () => void;
  /** A pull request whose head is `headBranch` of the same repository (GitHub's `head` filter). */
  setPullRequest(
    repository: string,
    number: number,
    headBranch: string,
    state?: "open" | "closed",
  ): void;
  addIssueComment(
    repository: string,
    issueNumber: number,
    body: string,
    author: { login: string; type: "User" | "Bot" },
  ): number;
  /** Commits, branches and tarballs of the fake repositories. */
  repositories: FakeRepositoryContents;
  close(): Promise<void>;
}

function verifyAppJwt(
  authorization: string | undefined,
  publicKeyPem: string,
  appId: string,
): boolean {
  const token = authorization?.replace(/^Bearer\s+/i, "");
  const [header, payload, signature] = token?.split(".") ?? [];
  if (!header || !payload || !signature) return false;
  const verifier = createVerify("RSA-SHA256");
  verifier.update(`${header}.${payload}`);
  if (!verifier.verify(createPublicKey(publicKeyPem), Buffer.from(signature, "base64url")))
    return false;
  const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as {
    iss?: string | number;
    exp?: number;
  };
  return String(claims.iss) === appId && (claims.exp ?? 0) * 1000 > Date.now();
}

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { "content-type": "application/json; charset=utf-8" });
  response.end(JSON.stringify(body));
}

export async function startFakeGitHub(): Promise<FakeGitHub> {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", {
    modulusLength: 2048,
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
    publicKeyEncoding: { type: "spki", format: "pem" },
  });
  const appId = "424242";
  const comparisons = new Map<string, string[]>();
  const permissions = new Map<string, string>();
  const issuedTokens: string[] = [];
  const tokenRepositories = new Map<string, string[]>();
  const calls: RecordedCall[] = [];
  const checkRuns = new Map<number, FakeCheckRun>();
  const installations = new Map<number, string>();
  let nextCheckRunId = 9000;
  const deploymentsApi = fakeDeploymentsApi((repository, sha) =>
    [...checkRuns.values()].some(
      (run) => run.repository === repository && run.head_sha === sha && run.status !== "completed",
    ),
  );
  const commentsApi = fakeIssueCommentsApi();
  const userAuth = fakeUserAuthorizationApi((id) => installations.get(id));
  const pullRequestsApi = fakePullRequestsApi();
  const forbidden = new Set<{ method: string; path: RegExp }>();

  const repositories = new FakeRepositoryContents();
  const handle = (request: IncomingMessage, response: ServerResponse, text: string) => {
    const url = new URL(request.url ?? "/", "http://localhost");
    const path = url.pathname;
    const body = text ? (JSON.parse(text) as Record<string, unknown>) : undefined;
    calls.push({
      method: request.method ?? "GET",
      path,
      authorization: request.headers.authorization,
      body,
    });
    const bearer = request.headers.authorization?.replace(/^(Bearer|token)\s+/i, "");

    const installationMatch = /^\/app\/installations\/(\d+)$/.exec(path);
    if (request.method === "GET" && installationMatch) {
      if (!verifyAppJwt(request.headers.authorization, publicKey, appId)) {
        return send(response, 401, { message: "A JSON web token could not be decoded" });
      }
      const login = installations.get(Number(installationMatch[1]));
      if (!login) return send(response, 404, { message: "Not Found" });
      return send(response, 200, {
        id: Number(installationMatch[1]),
        account: { login, type: "Organization" },
        app_id: Number(appId),
        target_type: "Organization",
      });
    }

    let match = /^\/app\/installations\/(\d+)\/access_tokens$/.exec(path);
    if (request.method === "POST" && match) {
      if (!verifyAppJwt(request.headers.authorization, publicKey, appId)) {
        return send(response, 401, { message: "A JSON web token could not be decoded" });
      }
      const token = `ghs_${randomBytes(18).toString("base64url")}`;
      issuedTokens.push(token);
      if (Array.isArray(body?.repositories)) {
        tokenRepositories.set(token, (body.repositories as unknown[]).map(String));
      }
      const minted: Schemas["installation-token"] = {
        token,
        expires_at: new Date(Date.now() + 3600_000).toISOString(),
        permissions: {
          contents: "read",
          checks: "write",
          deployments: "write",
          pull_requests: "write",
        },
        repository_selection: Array.isArray(body?.repositories) ? "selected" : "all",
      };
      return send(response, 201, minted);
    }
    if (repositories.handleCodeload(request, response, url)) return;
    if (request.method === "GET" && path === "/login/oauth/authorize") {
      const page = userAuth.authorizePage(url);
      if (Array.isArray(page)) return send(response, ...page);
      if ("html" in page) {
        response.writeHead(200, { "content-type": "text/html; charset=utf-8" });
        return response.end(page.html);
      }
      response.writeHead(302, { location: page.location });
      return response.end();
    }
    // The user authorization's endpoints take the App's client or a user token, not the App's.
    const userAnswer = userAuth.handle(
      { method: request.method ?? "GET", path, url, body },
      request.headers.authorization,
    );
    if (userAnswer) return send(response, ...userAnswer);
    if (!bearer || !issuedTokens.includes(bearer)) {
      return send(response, 401, { message: "Bad credentials" });
    }

    // A token minted for some repositories reads only those, as GitHub's do (404 elsewhere).
    const scope = tokenRepositories.get(bearer);
    const repositoryName = /^\/repos\/[^/]+\/([^/]+)/.exec(path)?.[1];
    if (scope && repositoryName && !scope.includes(repositoryName)) {
      return send(response, 404, { message: "Not Found" });
    }

    const refused = [...forbidden].some(
      (rule) => rule.method === request.method && rule.path.test(path),
    );
    if (refused) {
      return send(response, 403, {
        message: "Resource not accessible by integration",
        documentation_url: "https://docs.github.com/rest",
      });
    }

    const fakeRequest = { method: request.method ?? "GET", path, url, body };
    const answer =
      deploymentsApi.handle(fakeRequest) ??
      commentsApi.handle(fakeRequest) ??
      pullRequestsApi.handle(fakeRequest);
    if (answer) return send(response, ...answer);

    match = /^\/repos\/([^/]+\/[^/]+)\/commits\/([^/]+)\/check-runs$/.exec(path);
    if (match && request.method === "GET") {
      // GitHub's list for a ref: by name, newest first; `filter=latest` (its default) keeps
      // only the newest run of each name.
      const name = url.searchParams.get("check_name");
      const perPage = Number(url.searchParams.get("per_page") ?? 30);
      const page = Number(url.searchParams.get("page") ?? 1);
      let runs = [...checkRuns.values()]
        .filter((run) => run.repository === match![1] && run.head_sha === match![2])
        .filter((run) => name === null || run.name === name)
        .sort((a, b) => b.id - a.id);
      if (url.searchParams.get("filter") !== "all") {
        runs = runs.filter((run, index) => runs.findIndex((r) => r.name === run.name) === index);
      }
      const listed: Array<Pick<Schemas["check-run"], "id" | "head_sha" | "name" | "external_id">> =
        runs.slice((page - 1) * perPage, page * perPage).map((run) => ({
          id: run.id,
          head_sha: run.head_sha,
          name: run.name,
          external_id: run.external_id ?? null,
        }));
      return send(response, 200, { total_count: runs.length, check_runs: listed });
    }

    match = /^\/repos\/([^/]+\/[^/]+)\/check-runs(?:\/(\d+))?$/.exec(path);
    if (match && body && (request.method === "POST" || request.method === "PATCH")) {
      const existing = match[2] ? checkRuns.get(Number(match[2])) : undefined;
      if (request.method === "PATCH" && !existing)
        return send(response, 404, { message: "Not Found" });
      const id = existing?.id ?? nextCheckRunId++;
      const run: FakeCheckRun = {
        ...(existing ?? {
          id,
          repository: match[1]!,
          head_sha: String(body.head_sha),
          name: String(body.name),
          status: String(body.status),
          history: [],
        }),
        ...(body as Partial<FakeCheckRun>),
        id,
      };
      run.history = [
        ...(existing?.history ?? []),
        {
          status: String(body.status),
          ...(body.conclusion ? { conclusion: String(body.conclusion) } : {}),
        },
      ];
      checkRuns.set(id, run);
      const answer: Pick<
        Schemas["check-run"],
        "id" | "head_sha" | "name" | "status" | "conclusion" | "external_id"
      > = {
        id,
        head_sha: run.head_sha,
        name: run.name,
        status: run.status as Schemas["check-run"]["status"],
        conclusion: (run.conclusion ?? null) as Schemas["check-run"]["conclusion"],
        external_id: run.external_id ?? null,
      };
      return send(response, request.method === "POST" ? 201 : 200, answer);
    }

    match = /^\/repos\/([^/]+\/[^/]+)\/compare\/(.+)\.\.\.(.+)$/.exec(path);
    if (request.method === "GET" && match) {
      const files = comparisons.get(`${match[1]}:${match[2]}...${match[3]}`);
      if (!files) return send(response, 404, { message: "Not Found" });
      const perPage = Number(url.searchParams.get("per_page") ?? 300);
      const page = Number(url.searchParams.get("page") ?? 1);
      const slice = files.slice((page - 1) * perPage, page * perPage);
      const body: Pick<
        Schemas["commit-comparison"],
        "status" | "ahead_by" | "behind_by" | "total_commits" | "files"
      > = {
        status: "ahead",
        ahead_by: 1,
        behind_by: 0,
        total_commits: 1,
        files: slice.map((filename) => ({
          sha: "0".repeat(40),
          filename,
          status: "modified",
          additions: 1,
          deletions: 0,
          changes: 1,
          blob_url: "",
          raw_url: "",
          contents_url: "",
        })),
      };
      return send(response, 200, body);
    }

    match = /^\/repos\/([^/]+\/[^/]+)\/collaborators\/([^/]+)\/permission$/.exec(path);
    if (request.method === "GET" && match) {
      const role = permissions.get(`${match[1]}:${match[2]}`);
      if (!role) return send(response, 404, { message: "Not Found" });
      const permission = role === "maintain" ? "write" : role === "triage" ? "read" : role;
      const body: Pick<
        Schemas["repository-collaborator-permission"],
        "permission" | "role_name"
      > & {
        user: { login: string };
      } = { permission, role_name: role, user: { login: match[2]! } };
      return send(response, 200, body);
    }
    if (repositories.handle(request, response, url, send)) return;
    return send(response, 404, {
      message: "Not Found",
      documentation_url: "https://docs.github.com/rest",
    });
  };

  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => handle(request, response, Buffer.concat(chunks).toString("utf8")));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    appId,
    privateKey,
    calls,
    issuedTokens,
    tokenRepositories,
    checkRuns,
    deployments: deploymentsApi.deployments,
    issueComments: commentsApi.issueComments,
    addIssueComment: commentsApi.addIssueComment,
    setPullRequest: pullRequestsApi.setPullRequest,
    forbid(method, path) {
      const rule = { method, path };
      forbidden.add(rule);
      return () => forbidden.delete(rule);
    },
    addInstallation(id, login) {
      installations.set(id, login);
      userAuth.noteInstallation(id);
    },
    userAuth,
    setComparison(repository, base, head, files) {
      comparisons.set(`${repository}:${base}...${head}`, files);
    },
    setPermission(repository, login, role) {
      permissions.set(`${repository}:${login}`, role);
    },
    repositories,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
