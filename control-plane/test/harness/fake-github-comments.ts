import {
  appBot,
  type FakeAnswer,
  type FakeRequest,
  fakeApiUrl,
  githubUser,
  pageOf,
  type Schemas,
} from "./fake-github-shapes.js";

/** An issue or pull request comment as the fake holds it, with every body it had. */
export interface FakeIssueComment {
  repository: string;
  issueNumber: number;
  comment: Schemas["issue-comment"];
  /** Every body the comment had, oldest first. */
  bodies: string[];
}

/** Issue comments: list (oldest first, paged), create, and update by their author only. */
export function fakeIssueCommentsApi() {
  const issueComments = new Map<number, FakeIssueComment>();
  let nextCommentId = 3000;

  const addComment = (
    repository: string,
    issueNumber: number,
    body: string,
    author: Schemas["simple-user"],
  ): FakeIssueComment => {
    const id = nextCommentId++;
    const now = new Date().toISOString();
    const stored: FakeIssueComment = {
      repository,
      issueNumber,
      bodies: [body],
      comment: {
        id,
        node_id: `IC_${id}`,
        url: `${fakeApiUrl}/repos/${repository}/issues/comments/${id}`,
        html_url: `https://github.com/${repository}/pull/${issueNumber}#issuecomment-${id}`,
        issue_url: `${fakeApiUrl}/repos/${repository}/issues/${issueNumber}`,
        body,
        user: author,
        created_at: now,
        updated_at: now,
        author_association: author.type === "Bot" ? "NONE" : "MEMBER",
      },
    };
    issueComments.set(id, stored);
    return stored;
  };

  /** Answers a request to these endpoints, or undefined when it is not one of theirs. */
  const handle = ({ method, path, url, body }: FakeRequest): FakeAnswer | undefined => {
    let match = /^\/repos\/([^/]+\/[^/]+)\/issues\/(\d+)\/comments$/.exec(path);
    if (match && method === "GET") {
      const [, repository, number] = match;
      const found = [...issueComments.values()]
        .filter(
          (stored) => stored.repository === repository && stored.issueNumber === Number(number),
        )
        .map((stored) => stored.comment);
      return [200, pageOf(found, url)];
    }
    if (match && method === "POST") {
      if (typeof body?.body !== "string") return [422, { message: "Validation Failed" }];
      return [201, addComment(match[1]!, Number(match[2]), body.body, appBot).comment];
    }
    match = /^\/repos\/([^/]+\/[^/]+)\/issues\/comments\/(\d+)$/.exec(path);
    if (match && method === "PATCH") {
      const stored = issueComments.get(Number(match[2]));
      if (!stored || stored.repository !== match[1]) return [404, { message: "Not Found" }];
      // Only its author may edit a comment.
      if (stored.comment.user?.login !== appBot.login) {
        return [403, { message: "Resource not accessible by integration" }];
      }
      if (typeof body?.body !== "string") return [422, { message: "Validation Failed" }];
      stored.bodies.push(body.body);
      stored.comment = { ...stored.comment, body: body.body, updated_at: new Date().toISOString() };
      return [200, stored.comment];
    }
    return undefined;
  };

  return {
    issueComments,
    handle,
    /** A comment by someone else (a person, or another bot). */
    addIssueComment(
      repository: string,
      issueNumber: number,
      body: string,
      author: { login: string; type: "User" | "Bot" },
    ): number {
      const user = githubUser(author.login, author.type, 100 + issueComments.size);
      return Number(addComment(repository, issueNumber, body, user).comment.id);
    },
  };
}
