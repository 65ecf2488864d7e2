import { defaultRuntime } from "@slipway/shared";
import { describe, expect, it } from "vitest";
import { makeDeploymentCr, makeEnvSecret } from "./make-deployment-cr.js";

const deployment = {
  id: "dep_01jd5x7k3m0000000000000000",
  workspaceId: "ws_1",
  projectId: "proj_1",
  appId: "app_1",
  environmentId: "env_1",
  image: "registry.local/web@sha256:abc",
  runtime: {
    ...defaultRuntime,
    command: ["node", "server.js"],
    healthcheck: { method: "GET" as const, path: "/health" },
  },
  regions: ["eu-1", "us-1"],
  gitCommitSha: "0123abc",
  gitBranch: "main",
  gitRepository: "acme/web",
  gitCommitMessage: null,
};

describe("makeDeploymentCr", () => {
  it("is the deployment's snapshot with the environment's replica bounds", () => {
    const cr = makeDeploymentCr({
      deployment,
      environment: {
        slug: "production",
        regions: [{ name: "eu-1", replicas: { min: 2, max: 5 } }],
      },
      namespace: "slipway-apps",
      desiredState: "running",
      envSecretApplied: false,
    });
    expect(cr.metadata).toMatchObject({
      name: "dep-01jd5x7k3m0000000000000000",
      namespace: "slipway-apps",
    });
    expect(cr.spec).toEqual({
      image: "registry.local/web@sha256:abc",
      port: 8080,
      command: ["node", "server.js"],
      vCpus: 0.25,
      memoryMib: 256,
      storageMib: 0,
      shutdownSignal: "SIGTERM",
      healthcheck: { method: "GET", path: "/health" },
      envSecretRef: { name: "dep-01jd5x7k3m0000000000000000-env" },
      workspaceId: "ws_1",
      projectId: "proj_1",
      appId: "app_1",
      environmentId: "env_1",
      environmentSlug: "production",
      git: { commitSha: "0123abc", branch: "main", repo: "acme/web", commitMessage: "" },
      regions: [
        { name: "eu-1", replicas: { min: 2, max: 5 } },
        { name: "us-1", replicas: { min: 1, max: 1 } },
      ],
      upstreamProtocol: "http1",
      desiredState: "running",
    });
  });

  it("turns a stopped deployment's CR idle and nothing else", () => {
    const input = {
      deployment,
      environment: { slug: "preview", regions: [] },
      namespace: "n",
      envSecretApplied: true,
    };
    const running = makeDeploymentCr({ ...input, desiredState: "running" });
    const idle = makeDeploymentCr({ ...input, desiredState: "idle" });
    expect({ ...idle.spec, desiredState: "running" }).toEqual(running.spec);
    expect(idle.metadata.annotations).toEqual({ "slipway.dev/env-secret": "applied" });
  });
});

describe("makeEnvSecret", () => {
  it("holds the values base64-encoded and is owned by the CR once it exists", () => {
    const secret = makeEnvSecret({
      deploymentId: deployment.id,
      namespace: "n",
      variables: { B: "two", A: "one" },
      owner: { name: "dep-x", uid: "uid-1" },
    });
    expect(secret.data).toEqual({ A: "b25l", B: "dHdv" });
    expect(secret.metadata.ownerReferences).toEqual([
      expect.objectContaining({
        kind: "Deployment",
        name: "dep-x",
        uid: "uid-1",
        controller: true,
      }),
    ]);
  });
});
