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
}

/**
 * The code of the fake GitHub's repositories: commits with their files, branches pointing at
 * them, `GET /repos/{o}/{r}/commits/{ref}`, and the tarball download, which like GitHub's
 * answers 302 to a codeload URL holding a short-lived token and serves a `.tar.gz` whose one top
 * directory is `<owner>-<repo>-<sha7>`.
 */
export class FakeRepositoryContents {
  private readonly commits = new Map<string, FakeCommit>();
  private readonly branches = new Map<string, string>();
  private readonly downloads = new Map<string, string>();
  /** Every tarball request: which repository and ref, and the authorization it carried. */
  readonly tarballRequests: Array<{ repository: string; ref: string; authorization?: string }> = [];

  setCommit(
    repository: string,
    sha: string,
    files: Record<string, string>,
    options: { branch?: string; message?: string } = {},
  ): void {
    this.commits.set(`${repository}:${sha}`, {
      sha,
      message: options.message ?? "Update",
      files,
    });
    if (options.branch) this.branches.set(`${repository}:${options.branch}`, sha);
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
      const body: Pick<Schemas["commit"], "sha"> & {
        commit: Pick<Schemas["commit"]["commit"], "message"> & {
          author: { name: string; email: string; date: string };
        };
        author: { login: string } | null;
      } = {
        sha: commit.sha,
        commit: {
          message: commit.message,
          author: {
            name: "Codertocat",
            email: "codertocat@example.com",
            date: new Date().toISOString(),
          },
        },
        author: { login: "Codertocat" },
      };
      send(response, 200, body);
      return true;
    }
    return false;
  }
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
