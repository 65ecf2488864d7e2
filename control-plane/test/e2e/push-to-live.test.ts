import { randomBytes, randomUUID } from "node:crypto";
import { deploymentCrPath, type SlipwayDeployment } from "@slipway/shared";
import { beforeAll, describe, expect, it } from "vitest";
import { crNameOf } from "../../src/deploy/object-names.js";
import { startTestCluster, type TestCluster } from "../harness/cluster.js";
import { examplePayload, exampleRepository } from "../harness/pipeline.js";
import { dockerfile, startBuildPipeline } from "../image-build/build-harness.js";

let cluster: TestCluster;
let harness: Awaited<ReturnType<typeof startBuildPipeline>>;
const secretValue = `sk_live_${randomBytes(12).toString("hex")}`;

beforeAll(async () => {
  cluster = await startTestCluster();
  harness = await startBuildPipeline({
    workerQueues: ["github", "builds", "deployments"],
    deploy: cluster.deployTarget,
  });
  harness.pipeline.api.secrets.add(secretValue);
  for (const environment of ["production", "preview"]) {
    await harness.workspace.sdk.environments.setEnvironmentVariables({
      project: "shop",
      app: "web",
      environment,
      variables: [{ key: "STRIPE_KEY", value: secretValue, kind: "writeonly" }],
    });
  }
});

const appFiles = (version: string) => ({
  Dockerfile: dockerfile(
    "COPY version.txt /srv/version.txt",
    "RUN --mount=type=secret,id=STRIPE_KEY test -s /run/secrets/STRIPE_KEY",
    'CMD ["httpd", "-f", "-p", "8080", "-h", "/srv"]',
  ),
  "version.txt": version,
});

const finished = ["ready", "failed", "cancelled", "superseded"];

describe("git push → running on Kubernetes, reported on GitHub", () => {
  it("builds a push to the production branch, rolls it out and makes it current", async () => {
    const deployment = await harness.pushCommit(appFiles("v1"));
    const done = await harness.waitForDeployment(deployment.id, (row) =>
      finished.includes(row.status),
    );
    expect(done.errorMessage).toBeNull();
    expect(done.status).toBe("ready");

    // The operator's CR runs exactly the image the builder pushed, by digest.
    const cr = await cluster.kube.get<SlipwayDeployment>(
      deploymentCrPath(cluster.namespace, crNameOf(done.id)),
    );
    expect(cr.spec.image).toBe(done.image);
    expect(done.image).toMatch(/@sha256:[0-9a-f]{64}$/);
    expect(JSON.stringify(cr)).not.toContain(secretValue);

    const { data } = await harness.workspace.sdk.deployments.getDeployment({
      deploymentId: done.id,
    });
    expect(data).toMatchObject({ status: "ready", isCurrent: true });

    // GitHub followed along: the check run went queued → in progress → success, and the
    // GitHub deployment's statuses ended in success.
    const github = harness.pipeline.github;
    await expect
      .poll(
        () =>
          [...github.checkRuns.values()].find((run) => run.head_sha === done.gitCommitSha)
            ?.conclusion,
        { timeout: 30_000 },
      )
      .toBe("success");
    const checkRun = [...github.checkRuns.values()].find(
      (run) => run.head_sha === done.gitCommitSha,
    )!;
    const states = checkRun.history.map((entry) => entry.status);
    expect(states[0]).toBe("queued");
    expect(states).toContain("in_progress");
    await expect
      .poll(
        () =>
          [...github.deployments.values()]
            .find((d) => d.deployment.sha === done.gitCommitSha)
            ?.statuses.map((status) => status.state),
        { timeout: 30_000 },
      )
      .toContain("success");
    const githubDeployment = [...github.deployments.values()].find(
      (d) => d.deployment.sha === done.gitCommitSha,
    )!;
    expect(githubDeployment.deployment.production_environment).toBe(true);
  });

  it("gives a pull request's branch a built preview with its own hostnames and one comment listing it", async () => {
    // A pull request from a branch of the same repository: its pushes deploy the preview.
    harness.pipeline.github.setPullRequest(exampleRepository, 77, "feature-x");
    const pushed = await harness.pushCommit(appFiles("pr"), "feature-x");
    const deployment = await harness.waitForDeployment(pushed.id, (r) =>
      finished.includes(r.status),
    );
    expect(deployment.errorMessage).toBeNull();
    expect(deployment.status).toBe("ready");
    expect(deployment.hostnames.length).toBeGreaterThanOrEqual(2);

    await expect
      .poll(
        () =>
          [...harness.pipeline.github.issueComments.values()].filter(
            (comment) => comment.issueNumber === 77,
          ),
        { timeout: 30_000 },
      )
      .toHaveLength(1);
    await expect
      .poll(
        () =>
          [...harness.pipeline.github.issueComments.values()].find(
            (comment) => comment.issueNumber === 77,
          )?.comment.body,
        { timeout: 30_000 },
      )
      .toContain(deployment.hostnames[0]!);
    const body = [...harness.pipeline.github.issueComments.values()].find(
      (comment) => comment.issueNumber === 77,
    )!.comment.body!;
    expect(body).not.toContain(secretValue);
  });

  it("comments on a pull request opened after its branch was deployed", async () => {
    const pushed = await harness.pushCommit(appFiles("later-pr"), "feature-y");
    await harness.waitForDeployment(pushed.id, (r) => finished.includes(r.status));
    const payload = examplePayload("pull_request", (example) => example.action === "opened");
    payload.number = 78;
    payload.pull_request.number = 78;
    payload.pull_request.head.ref = "feature-y";
    payload.pull_request.head.sha = pushed.gitCommitSha;
    payload.pull_request.head.repo.full_name = exampleRepository;
    payload.installation = { id: 1 };
    harness.pipeline.github.setPullRequest(exampleRepository, 78, "feature-y");
    const deliveryId = randomUUID();
    expect((await harness.pipeline.deliver("pull_request", payload, { deliveryId })).status).toBe(
      202,
    );
    await harness.pipeline.processed(deliveryId);
    const ready = await harness.deploymentRow(pushed.id);
    await expect
      .poll(
        () =>
          [...harness.pipeline.github.issueComments.values()].find(
            (comment) => comment.issueNumber === 78,
          )?.comment.body,
        { timeout: 30_000 },
      )
      .toContain(ready.hostnames[0]!);
  });
});
