import { createHmac, randomUUID } from "node:crypto";
import { createRequire } from "node:module";

/**
 * GitHub's webhook payloads as the tests send them: GitHub's published examples reshaped for a
 * test, and their signature. No test runner here: the dashboard's platform stack (a plain Node
 * process) sends the same deliveries.
 */

// Through require: Playwright's loader wants an import attribute for JSON that tsx does not.
const examples = createRequire(import.meta.url)("@octokit/webhooks-examples") as Array<{
  name: string;
  examples: Payload[];
}>;

/** A webhook payload as tests reshape it: free-form JSON, typed loosely on purpose. */
// biome-ignore lint/suspicious/noExplicitAny: example payloads are arbitrary JSON that tests edit field by field
export type Payload = Record<string, any>;

export const webhookSecret = "slipway-test-webhook-secret";

export function sign(body: string, secret = webhookSecret): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

/** One of GitHub's published example payloads, deep-copied so a test can change it. */
export function examplePayload(event: string, pick: (example: Payload) => boolean): Payload {
  const definition = examples.find((e) => e.name === event);
  const found = definition?.examples.find(pick);
  if (!found) throw new Error(`no ${event} example matches`);
  return structuredClone(found);
}

/**
 * GitHub's example push to master (one commit, naming the App installation), turned from a
 * branch creation into an ordinary push: a real `before` commit instead of the zero SHA, and
 * the commit and branch a test names.
 */
export function examplePush(change: { after?: string; branch?: string } = {}): Payload {
  const payload = examplePayload(
    "push",
    (example) =>
      example.ref === "refs/heads/master" && example.commits.length > 0 && example.installation,
  );
  payload.created = false;
  payload.before = "9".repeat(40);
  if (change.after) payload.after = change.after;
  if (change.branch) payload.ref = `refs/heads/${change.branch}`;
  return payload;
}

/**
 * GitHub's example `pull_request` payload, changed where a test needs it: the head comes from
 * a fork of the author's, and the delivery names the App installation (as App deliveries do).
 */
export function forkPullRequestPayload(options: {
  number: number;
  author: string;
  sha?: string;
  action?: string;
}): Payload {
  const payload = examplePayload("pull_request", (example) => example.action === "opened");
  payload.action = options.action ?? "opened";
  payload.installation = { id: 4242 };
  payload.pull_request.number = options.number;
  payload.pull_request.user.login = options.author;
  payload.pull_request.head.sha =
    options.sha ?? randomUUID().replaceAll("-", "").padEnd(40, "0").slice(0, 40);
  payload.pull_request.head.repo.full_name = `${options.author}/Hello-World`;
  return payload;
}
