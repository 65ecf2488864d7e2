import { randomUUID } from "node:crypto";
import { onHarnessTeardown } from "@slipway/shared/harness-teardown";
import { eq } from "drizzle-orm";
import { Redis } from "ioredis";
import { expect, inject } from "vitest";
import type { Config } from "../../src/config.js";
import { createEnvVarCipher } from "../../src/crypto/env-var-cipher.js";
import { githubDeliveries } from "../../src/db/schema/index.js";
import type { DeployTarget } from "../../src/deploy/deploy-target.js";
import { githubApiFromConfig } from "../../src/github/github-api.js";
import { githubSourceFromConfig } from "../../src/github/github-source.js";
import type { BuildService } from "../../src/image-build/build-service.js";
import { createCancellationBus } from "../../src/jobs/cancellations.js";
import type { QueueName } from "../../src/jobs/job-types.js";
import { createJobQueues, type JobQueues, startJobWorkers } from "../../src/jobs/queues.js";
import { makeJobHandlers } from "../../src/worker/job-handlers.js";
import { startTestApi, type TestApi, type TestWorkspace } from "./api.js";
import { uniqueRedisPrefix } from "./database.js";
import { type FakeGitHub, startFakeGitHub } from "./fake-github.js";
import { sign, webhookSecret } from "./github-payloads.js";

export {
  examplePayload,
  examplePush,
  forkPullRequestPayload,
  type Payload,
  sign,
  webhookSecret,
} from "./github-payloads.js";

export interface TestPipeline {
  api: TestApi;
  github: FakeGitHub;
  /** Signs and posts a delivery as GitHub would; returns the HTTP response. */
  deliver(
    event: string,
    payload: unknown,
    options?: { deliveryId?: string; signature?: string },
  ): Promise<Response>;
  /**
   * Installs the App for a workspace the way a person does: `github.installApp` gives the link,
   * GitHub sends the browser back to `/github/setup` with the installation id and the state.
   */
  linkInstallation(
    workspace: TestWorkspace,
    installationId: number,
    /** The GitHub user who finishes the install in the browser (default: the owner). */
    as?: string,
  ): Promise<Response>;
  /** Waits until the worker has processed a delivery. */
  processed(deliveryId: string): Promise<void>;
  /** The file's job queues, for tests that hand a deployment to a step directly. */
  jobs: Pick<JobQueues, "enqueue">;
}

/** A browser opening `github.installApp`'s link: the flow's cookie, and the state sent to GitHub. */
export async function startInstallInBrowser(link: string) {
  const response = await fetch(link, { redirect: "manual" });
  expect(response.status).toBe(302);
  const cookie = (response.headers.get("set-cookie") ?? "").split(";")[0]!;
  const state = new URL(response.headers.get("location")!).searchParams.get("state") ?? "";
  return { cookie, state };
}

/** GitHub sending that browser back to the Setup URL after an install, with the user's code. */
export function finishInstallInBrowser(
  apiUrl: string,
  flow: { cookie: string; state: string },
  input: { installationId: number; code?: string; cookie?: string | null },
) {
  const query = new URLSearchParams({
    installation_id: String(input.installationId),
    state: flow.state,
    setup_action: "install",
    ...(input.code ? { code: input.code } : {}),
  });
  const cookie = input.cookie === undefined ? flow.cookie : input.cookie;
  return fetch(`${apiUrl}/github/setup?${query}`, cookie ? { headers: { cookie } } : {});
}

/**
 * The API with the GitHub App configured against a fake GitHub, real BullMQ queues on the run's
 * Redis (a key prefix of this file's own) and the pipeline worker running.
 */
export interface TestPipelineOptions {
  /** Queues the test's worker runs; by default only `github`, so deployments stay queued. */
  workerQueues?: readonly QueueName[];
  builder?: BuildService;
  buildSlotsPerWorkspace?: number;
  /** The cluster the deploy step rolls out to (test/harness/cluster.ts); none by default. */
  deploy?: (config: Config) => DeployTarget;
  /** More configuration variables of the API (e.g. a small upload quota). */
  apiEnv?: Record<string, string>;
  /** Give the API its Redis connection (the keys endpoints need one). */
  apiRedis?: boolean;
}

export async function startTestPipeline(options: TestPipelineOptions = {}): Promise<TestPipeline> {
  const github = await startFakeGitHub();
  const redis = new Redis(inject("redisUrl"), { maxRetriesPerRequest: null });
  const prefix = uniqueRedisPrefix();
  const queues = createJobQueues({ connection: redis, prefix });
  const api = await startTestApi({
    queues,
    ...(options.apiRedis ? { redis: true } : {}),
    env: {
      GITHUB_WEBHOOK_SECRET: webhookSecret,
      GITHUB_APP_ID: github.appId,
      GITHUB_PRIVATE_KEY: github.privateKey,
      GITHUB_API_URL: github.url,
      GITHUB_APP_SLUG: "slipway-test",
      GITHUB_WEB_URL: github.url,
      GITHUB_CLIENT_ID: github.userAuth.clientId,
      GITHUB_CLIENT_SECRET: github.userAuth.clientSecret,
      ...options.apiEnv,
    },
  });
  const cancellations = createCancellationBus(redis, prefix);
  const deps = {
    db: api.database.db,
    github: githubApiFromConfig(api.config),
    jobs: queues,
    clock: () => new Date(),
    log: api.app.log,
    cipher: createEnvVarCipher(api.config.SLIPWAY_ENCRYPTION_KEYS),
    builder: options.builder,
    githubSource: githubSourceFromConfig(api.config),
    cancellations,
    buildSlotsPerWorkspace: options.buildSlotsPerWorkspace ?? 2,
    replayWindowMs: api.config.GITHUB_REPLAY_WINDOW_SECONDS * 1000,
    deploy: options.deploy?.(api.config),
  };
  const workers = startJobWorkers({
    connection: redis,
    prefix,
    handlers: makeJobHandlers(deps),
    queues: options.workerQueues ?? ["github"],
    stalledIntervalMs: 1000,
    onError: (error) => api.app.log.error({ err: error }, "worker error"),
  });
  api.secrets.add(webhookSecret);

  onHarnessTeardown(async () => {
    for (const token of github.issuedTokens) api.secrets.add(token);
    for (const token of github.userAuth.issuedUserTokens) api.secrets.add(token);
    api.secrets.add(github.userAuth.clientSecret);
    await workers.close();
    await cancellations.close();
    await queues.close();
    redis.disconnect();
    await github.close();
  });

  return {
    api,
    github,
    jobs: queues,
    async linkInstallation(workspace, installationId, as = "Codertocat") {
      if (as === "Codertocat") github.addInstallation(installationId, "Codertocat");
      const { data } = await workspace.sdk.github.installApp();
      const flow = await startInstallInBrowser(data.url);
      return finishInstallInBrowser(api.url, flow, {
        installationId,
        code: github.userAuth.authorize(as),
      });
    },
    deliver(event, payload, options = {}) {
      const body = JSON.stringify(payload);
      return fetch(`${api.url}/webhooks/github`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "x-github-event": event,
          "x-github-delivery": options.deliveryId ?? randomUUID(),
          "x-hub-signature-256": options.signature ?? sign(body),
        },
        body,
      });
    },
    async processed(deliveryId) {
      const deadline = Date.now() + 15_000;
      for (;;) {
        const [row] = await api.database.db
          .select()
          .from(githubDeliveries)
          .where(eq(githubDeliveries.id, deliveryId));
        if (row?.processedAt) return;
        if (Date.now() > deadline)
          throw new Error(`delivery ${deliveryId} was not processed within 15 s`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
  };
}

export const exampleRepository = "Codertocat/Hello-World";

/**
 * A pipeline with one workspace holding project `projectSlug` and app `web`, connected to the
 * repository of GitHub's example payloads with `master` as its production branch.
 */
export async function startTestPipelineWithApp(
  projectSlug: string,
  options: TestPipelineOptions = {},
) {
  const pipeline = await startTestPipeline(options);
  const workspace = await pipeline.api.newWorkspace();
  await workspace.sdk.projects.createProject({ name: projectSlug, slug: projectSlug });
  await workspace.sdk.apps.createApp({
    project: projectSlug,
    name: "Web",
    slug: "web",
    git: { repository: exampleRepository, defaultBranch: "master" },
  });
  // The installations of GitHub's example payloads (1) and of the tests' fork payloads (4242).
  for (const installationId of [1, 4242]) {
    const linked = await pipeline.linkInstallation(workspace, installationId);
    if (linked.status !== 200) {
      const errors = pipeline.api.logLines.filter((line) => line.includes('"level":50'));
      throw new Error(
        `linking installation ${installationId}: ${await linked.text()} ${errors.join("\n")}`,
      );
    }
  }
  return { pipeline, workspace };
}
