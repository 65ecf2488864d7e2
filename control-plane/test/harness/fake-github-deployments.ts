import {
  appBot,
  type FakeAnswer,
  type FakeRequest,
  fakeApiUrl,
  pageOf,
  type Schemas,
} from "./fake-github-shapes.js";

/** A GitHub deployment as the fake holds it, with its statuses oldest first. */
export interface FakeDeployment {
  repository: string;
  deployment: Schemas["deployment"];
  statuses: Schemas["deployment-status"][];
}

const states = ["error", "failure", "inactive", "pending", "success", "queued", "in_progress"];

/**
 * The Deployments API: create and list deployments (by sha and environment, newest first),
 * create and list their statuses (newest first). `unfinishedChecks` tells whether a commit has
 * a check still running, for GitHub's refusal when `required_contexts` is left out.
 */
export function fakeDeploymentsApi(unfinishedChecks: (repository: string, sha: string) => boolean) {
  const deployments = new Map<number, FakeDeployment>();
  let nextDeploymentId = 7000;
  let nextStatusId = 5000;

  const createDeployment = (repository: string, body: Record<string, unknown>): FakeAnswer => {
    if (typeof body.ref !== "string" || !body.ref) {
      return [422, { message: 'Invalid request.\n\n"ref" wasn\'t supplied.' }];
    }
    if (!Array.isArray(body.required_contexts) && unfinishedChecks(repository, body.ref)) {
      return [409, { message: "Conflict: Commit status checks failed for ref." }];
    }
    const id = nextDeploymentId++;
    const now = new Date().toISOString();
    const environment = typeof body.environment === "string" ? body.environment : "production";
    const deployment: Schemas["deployment"] = {
      url: `${fakeApiUrl}/repos/${repository}/deployments/${id}`,
      id,
      node_id: `DE_${id}`,
      sha: body.ref,
      ref: body.ref,
      task: typeof body.task === "string" ? body.task : "deploy",
      payload: (body.payload ?? {}) as Schemas["deployment"]["payload"],
      original_environment: environment,
      environment,
      description: typeof body.description === "string" ? body.description : null,
      creator: appBot,
      created_at: now,
      updated_at: now,
      statuses_url: `${fakeApiUrl}/repos/${repository}/deployments/${id}/statuses`,
      repository_url: `${fakeApiUrl}/repos/${repository}`,
      transient_environment: body.transient_environment === true,
      production_environment:
        body.production_environment === true ||
        (body.production_environment === undefined && environment === "production"),
    };
    deployments.set(id, { repository, deployment, statuses: [] });
    return [201, deployment];
  };

  const createStatus = (stored: FakeDeployment, body: Record<string, unknown>): FakeAnswer => {
    if (!states.includes(String(body.state))) return [422, { message: "Validation Failed" }];
    const id = nextStatusId++;
    const now = new Date().toISOString();
    const logUrl = typeof body.log_url === "string" ? body.log_url : "";
    const status: Schemas["deployment-status"] = {
      url: `${stored.deployment.url}/statuses/${id}`,
      id,
      node_id: `DES_${id}`,
      state: body.state as Schemas["deployment-status"]["state"],
      creator: appBot,
      description: typeof body.description === "string" ? body.description : "",
      environment: stored.deployment.environment,
      target_url: logUrl,
      created_at: now,
      updated_at: now,
      deployment_url: stored.deployment.url,
      repository_url: stored.deployment.repository_url,
      environment_url: typeof body.environment_url === "string" ? body.environment_url : "",
      log_url: logUrl,
    };
    stored.statuses.push(status);
    return [201, status];
  };

  /** Answers a request to these endpoints, or undefined when it is not one of theirs. */
  const handle = ({ method, path, url, body }: FakeRequest): FakeAnswer | undefined => {
    let match = /^\/repos\/([^/]+\/[^/]+)\/deployments$/.exec(path);
    if (match && method === "POST") return createDeployment(match[1]!, body ?? {});
    if (match && method === "GET") {
      const repository = match[1];
      const sha = url.searchParams.get("sha");
      const environment = url.searchParams.get("environment");
      const found = [...deployments.values()]
        .filter(
          (stored) =>
            stored.repository === repository &&
            (!sha || stored.deployment.sha === sha) &&
            (!environment || stored.deployment.environment === environment),
        )
        .map((stored) => stored.deployment)
        .reverse();
      return [200, pageOf(found, url)];
    }
    match = /^\/repos\/([^/]+\/[^/]+)\/deployments\/(\d+)\/statuses$/.exec(path);
    if (!match) return undefined;
    const stored = deployments.get(Number(match[2]));
    if (!stored || stored.repository !== match[1]) return [404, { message: "Not Found" }];
    if (method === "GET") return [200, pageOf([...stored.statuses].reverse(), url)];
    if (method === "POST") return createStatus(stored, body ?? {});
    return undefined;
  };

  return { deployments, handle };
}
