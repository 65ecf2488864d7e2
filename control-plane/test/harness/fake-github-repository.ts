import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { components } from "@octokit/openapi-types";

type Schemas = components["schemas"];

interface FakeCommit {
  sha: string;
  message: string;
  files: Record<string, string>;
  /** The author's GitHub login; null when GitHub cannot match the email to an account. */
  author: string | null;
  authorName: string;
  date: string;
}

/**
 * The code of the fake GitHub's repositories: commits with their files, branches pointing at
 * them, `GET /repos/{o}/{r}/commits/{ref}`, the branch and commit lists (paged with a `Link`
 * header, as GitHub's are), and the tarball download, which like GitHub's
 * answers 302 to a codeload URL holding a short-lived token and serves a `.tar.gz` whose one top
 * directory is `<owner>-<repo>-<sha7>`.
 */
export class FakeRepositoryContents {
  private readonly commits = new Map<string, FakeCommit>();
  private readonly branches = new Map<string, string>();
  /** Each branch's commits, newest first (the fake keeps no parents: a branch is its pushes). */
  private readonly histories = new Map<string, string[]>();
  private readonly downloads = new Map<string, string>();
  /** Every tarball request: which repository and ref, and the authorization it carried. */
  readonly tarballRequests: Array<{ repository: string; ref: string; authorization?: string }> = [];

  setCommit(
    repository: string,
    sha: string,
    files: Record<string, string>,
    options: { branch?: string; message?: string; author?: string | null; date?: Date } = {},
  ): void {
    this.commits.set(`${repository}:${sha}`, {
      sha,
      message: options.message ?? "Update",
      files,
      author: options.author === undefined ? "Codertocat" : options.author,
      authorName: options.author ?? "Codertocat",
      date: (options.date ?? new Date()).toISOString(),
    });
    if (options.branch) {
      const key = `${repository}:${options.branch}`;
      this.branches.set(key, sha);
      this.histories.set(key, [sha, ...(this.histories.get(key) ?? [])]);
    }
  }

  private find(repository: string, ref: string): FakeCommit | undefined {
    const sha = this.branches.get(`${repository}:${ref}`) ?? ref;
    const exact = this.commits.get(`${repository}:${sha}`);
    if (exact) return exact;
    // Abbreviated SHAs, as GitHub accepts them.
    if (/^[0-9a-f]{7,39}$/.test(ref)) {
      for (const [key, commit] of this.commits) {
        if (key.startsWith(`${repository}:`) && commit.sha.startsWith(ref)) return commit;
      }
    }
    return undefined;
  }

  /** Codeload: no Authorization header, the token is in the URL (answered before auth checks). */
  handleCodeload(request: IncomingMessage, response: ServerResponse, url: URL): boolean {
    const match = /^\/_codeload\/([^/]+\/[^/]+)\/legacy\.tar\.gz\/(.+)$/.exec(url.pathname);
    if (request.method !== "GET" || !match) return false;
    const token = url.searchParams.get("token") ?? "";
    const key = this.downloads.get(token);
    const commit = key === `${match[1]}:${match[2]}` ? this.find(match[1]!, match[2]!) : undefined;
    if (!commit) {
      response.writeHead(404, { "content-type": "text/plain" });
      response.end("404: Not Found");
      return true;
    }
    response.writeHead(200, { "content-type": "application/x-gzip" });
    response.end(tarball(match[1]!, commit));
    return true;
  }

  /** Repository API calls made with an installation token. */
  handle(
    request: IncomingMessage,
    response: ServerResponse,
    url: URL,
    send: (response: ServerResponse, status: number, body: unknown) => void,
  ): boolean {
    let match = /^\/repos\/([^/]+\/[^/]+)\/tarball\/(.+)$/.exec(url.pathname);
    if (request.method === "GET" && match) {
      const ref = decodeURIComponent(match[2]!);
      this.tarballRequests.push({
        repository: match[1]!,
        ref,
        ...(request.headers.authorization ? { authorization: request.headers.authorization } : {}),
      });
      const commit = this.find(match[1]!, ref);
      if (!commit) {
        send(response, 404, { message: "Not Found" });
        return true;
      }
      const token = `codeload_${Math.random().toString(36).slice(2)}`;
      this.downloads.set(token, `${match[1]}:${commit.sha}`);
      response.writeHead(302, {
        location: `/_codeload/${match[1]}/legacy.tar.gz/${commit.sha}?token=${token}`,
      });
      response.end();
      return true;
    }
    match = /^\/repos\/([^/]+\/[^/]+)\/commits\/([^/]+)$/.exec(url.pathname);
    if (request.method === "GET" && match) {
      const commit = this.find(match[1]!, decodeURIComponent(match[2]!));
      if (!commit) {
        send(response, 422, { message: `No commit found for SHA: ${match[2]}` });
        return true;
      }
      send(response, 200, commitShape(commit));
      return true;
    }
    match = /^\/repos\/([^/]+\/[^/]+)\/branches$/.exec(url.pathname);
    if (request.method === "GET" && match) {
      const prefix = `${match[1]}:`;
      const branches: Array<Pick<Schemas["short-branch"], "name" | "commit" | "protected">> = [
        ...this.branches,
      ]
        .filter(([key]) => key.startsWith(prefix))
        .map(([key, sha]) => ({
          name: key.slice(prefix.length),
          commit: { sha, url: `https://api.github.com/repos/${match![1]}/commits/${sha}` },
          protected: false,
        }))
        .sort((a, b) => a.name.localeCompare(b.name));
      sendPage(response, url, branches);
      return true;
    }
    match = /^\/repos\/([^/]+\/[^/]+)\/commits$/.exec(url.pathname);
    if (request.method === "GET" && match) {
      const ref = url.searchParams.get("sha") ?? "";
      const history = this.histories.get(`${match[1]}:${ref}`);
      if (!history) {
        send(response, 404, { message: `No commit found for SHA: ${ref}` });
        return true;
      }
      const commits = history.map((sha) => commitShape(this.commits.get(`${match![1]}:${sha}`)!));
      sendPage(response, url, commits);
      return true;
    }
    return false;
  }
}

/** A commit as GitHub's commit endpoints answer it (the fields Slipway reads). */
function commitShape(commit: FakeCommit) {
  const body: Pick<Schemas["commit"], "sha"> & {
    commit: Pick<Schemas["commit"]["commit"], "message"> & {
      author: { name: string; email: string; date: string };
    };
    author: { login: string } | null;
  } = {
    sha: commit.sha,
    commit: {
      message: commit.message,
      author: { name: commit.authorName, email: "author@example.com", date: commit.date },
    },
    author: commit.author ? { login: commit.author } : null,
  };
  return body;
}

/** A `?per_page=&page=` slice with GitHub's `Link` header naming the next page. */
function sendPage(response: ServerResponse, url: URL, items: unknown[]): void {
  const perPage = Math.min(Number(url.searchParams.get("per_page") ?? 30), 100);
  const page = Number(url.searchParams.get("page") ?? 1);
  const slice = items.slice((page - 1) * perPage, page * perPage);
  const headers: Record<string, string> = { "content-type": "application/json; charset=utf-8" };
  if (page * perPage < items.length) {
    const next = new URL(url);
    next.searchParams.set("page", String(page + 1));
    headers.link = `<https://api.github.com${next.pathname}${next.search}>; rel="next"`;
  }
  response.writeHead(200, headers);
  response.end(JSON.stringify(slice));
}

function tarball(repository: string, commit: FakeCommit): Buffer {
  const scratch = mkdtempSync(join(tmpdir(), "fake-github-tar-"));
  try {
    const top = `${repository.replace("/", "-")}-${commit.sha.slice(0, 7)}`;
    for (const [path, content] of Object.entries(commit.files)) {
      const file = join(scratch, top, path);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, content);
    }
    return execFileSync("tar", ["-czf", "-", "-C", scratch, top], { maxBuffer: 64 << 20 });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
