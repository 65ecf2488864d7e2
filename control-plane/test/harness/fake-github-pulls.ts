import {
  type FakeAnswer,
  type FakeRequest,
  fakeApiUrl,
  type Schemas,
} from "./fake-github-shapes.js";

type PullRequestAnswer = Pick<
  Schemas["pull-request-simple"],
  "url" | "id" | "number" | "state" | "title" | "html_url" | "draft"
> & {
  head: Pick<Schemas["pull-request-simple"]["head"], "label" | "ref" | "sha">;
  base: Pick<Schemas["pull-request-simple"]["base"], "label" | "ref" | "sha">;
};

interface FakePullRequest {
  repository: string;
  number: number;
  headBranch: string;
  state: "open" | "closed";
}

/** Pull requests of the fake's repositories: listed with GitHub's `head` and `state` filters. */
export function fakePullRequestsApi() {
  const pullRequests = new Map<string, FakePullRequest>();

  const answerOf = (pullRequest: FakePullRequest): PullRequestAnswer => {
    const owner = pullRequest.repository.split("/")[0]!;
    return {
      url: `${fakeApiUrl}/repos/${pullRequest.repository}/pulls/${pullRequest.number}`,
      id: 600_000 + pullRequest.number,
      number: pullRequest.number,
      state: pullRequest.state,
      title: `Pull request ${pullRequest.number}`,
      html_url: `https://github.com/${pullRequest.repository}/pull/${pullRequest.number}`,
      draft: false,
      head: { label: `${owner}:${pullRequest.headBranch}`, ref: pullRequest.headBranch, sha: "" },
      base: { label: `${owner}:master`, ref: "master", sha: "" },
    };
  };

  /** Answers a request to these endpoints, or undefined when it is not one of theirs. */
  const handle = ({ method, path, url }: FakeRequest): FakeAnswer | undefined => {
    const match = /^\/repos\/([^/]+\/[^/]+)\/pulls$/.exec(path);
    if (!match || method !== "GET") return undefined;
    const repository = match[1]!;
    const state = url.searchParams.get("state") ?? "open";
    const head = url.searchParams.get("head");
    const owner = repository.split("/")[0];
    const found = [...pullRequests.values()].filter(
      (pullRequest) =>
        pullRequest.repository === repository &&
        (state === "all" || pullRequest.state === state) &&
        (!head || head === `${owner}:${pullRequest.headBranch}`),
    );
    return [200, found.map(answerOf)];
  };

  return {
    handle,
    /** A pull request of `headBranch` (of the same repository), open until closed. */
    setPullRequest(
      repository: string,
      number: number,
      headBranch: string,
      state: "open" | "closed" = "open",
    ) {
      pullRequests.set(`${repository}#${number}`, { repository, number, headBranch, state });
    },
  };
}
