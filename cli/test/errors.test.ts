import {
  startTestApi,
  type TestApi,
  type TestWorkspace,
} from "@slipway/control-plane/test/harness/api.js";
import { beforeAll, describe, expect, it } from "vitest";
import { makeConfigHome, runSlipway } from "./harness/run-cli.js";

let api: TestApi;
let workspace: TestWorkspace;
let env: Record<string, string>;

beforeAll(async () => {
  api = await startTestApi();
  workspace = await api.newWorkspace("cli-errors");
  env = {
    XDG_CONFIG_HOME: await makeConfigHome(),
    SLIPWAY_URL: api.url,
    SLIPWAY_ROOT_KEY: workspace.rootKey,
  };
  await workspace.sdk.projects.createProject({ name: "Taken", slug: "taken" });
});

/** The request ids the server logged, to prove the CLI printed the real one. */
const loggedRequestIds = () =>
  new Set(
    api.logLines.flatMap((line) =>
      [...line.matchAll(/"reqId":"([^"]+)"/g)].map((match) => match[1]),
    ),
  );

describe("API errors exit 3 and print the API's detail and request id", () => {
  it("as text on stderr", async () => {
    const run = await runSlipway(["apps", "list", "--project", "no-such-project"], { env });
    expect(run.exitCode).toBe(3);
    expect(run.stdout).toBe("");
    const [first, second] = run.stderr.split("\n");
    expect(first).toMatch(/^Error: .*no-such-project/);
    const requestId = second?.match(/HTTP 404 .*request id (\S+)/)?.[1];
    expect(requestId).toBeDefined();
    expect(loggedRequestIds()).toContain(requestId);
  });

  it("as one JSON document with --output=json", async () => {
    const run = await runSlipway(["projects", "create", "Taken", "--output=json"], { env });
    expect(run.exitCode).toBe(3);
    const { error } = run.json<{
      error: { status: number; detail: string; requestId: string; exitCode: number };
    }>();
    expect(error).toMatchObject({ status: 409, exitCode: 3 });
    expect(error.detail).toMatch(/taken/);
    expect(loggedRequestIds()).toContain(error.requestId);
  });

  it("lists a 400's field problems", async () => {
    const run = await runSlipway(["projects", "create", "Bad", "--slug", "Not A Slug"], { env });
    expect(run.exitCode).toBe(3);
    expect(run.stderr).toMatch(/HTTP 400/);
    expect(run.stderr).toMatch(/- .*slug.*DNS label/);
  });

  it("for a lifecycle call the deployment does not allow", async () => {
    const run = await runSlipway(["deployments", "promote", "dep_missing", "-o", "json"], { env });
    expect(run.exitCode).toBe(3);
    expect(run.json<{ error: { status: number } }>().error.status).toBe(404);
    const approve = await runSlipway(["deployments", "approve", "dep_missing"], { env });
    expect(approve.exitCode).toBe(3);
    expect(approve.stderr).toMatch(/request id \S+/);
  });

  it("when the API cannot be reached", async () => {
    const run = await runSlipway(["projects", "list"], {
      env: { ...env, SLIPWAY_URL: "http://127.0.0.1:1" },
    });
    expect(run.exitCode).toBe(3);
    expect(run.stderr).toContain("Cannot reach the Slipway API");
  });
});

describe("usage errors exit 2 before calling the API", () => {
  it.each([
    [["no-such-command"]],
    [["projects", "create"]],
    [["deployments", "list", "--status", "exploded"]],
    [["projects", "list", "--output=yaml"]],
    [["projects", "list", "--limit", "0"]],
    [["apps", "list"]],
    [["deploy", "--app", "web"]],
    [["deployments", "list", "--app", "web"]],
    [["keys", "create"]],
    [["completion", "fish"]],
  ])("slipway %j", async (argv) => {
    const before = api.logLines.length;
    const run = await runSlipway(argv, { env });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).not.toBe("");
    expect(api.logLines.slice(before).some((line) => line.includes('"url":"/v2/'))).toBe(false);
  });

  it("--help exits 0 and shows examples and the exit codes", async () => {
    const root = await runSlipway(["--help"], { env });
    expect(root.exitCode).toBe(0);
    expect(root.stdout).toContain("Exit codes:");
    const deploy = await runSlipway(["deploy", "--help"], { env });
    expect(deploy.exitCode).toBe(0);
    expect(deploy.stdout).toContain("$ slipway deploy --image");
  });
});
