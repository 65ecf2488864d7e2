import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import {
  startTestApi,
  type TestApi,
  type TestWorkspace,
} from "@slipway/control-plane/test/harness/api.js";
import { beforeAll, describe, expect, it } from "vitest";
import { makeConfigHome } from "./harness/run-cli.js";

const bin = fileURLToPath(new URL("../bin/slipway.js", import.meta.url));

let api: TestApi;
let workspace: TestWorkspace;

beforeAll(async () => {
  api = await startTestApi();
  workspace = await api.newWorkspace("cli-bin");
});

/** `slipway` as a user runs it: its own process, real stdio, real exit code. */
function slipway(argv: string[], env: Record<string, string>) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      [bin, ...argv],
      { env: { PATH: process.env.PATH ?? "", ...env } },
      (error, stdout, stderr) => {
        resolve({ code: error ? Number(error.code) : 0, stdout, stderr });
      },
    );
  });
}

describe("the slipway bin", () => {
  it("exits with the documented codes as its own process", async () => {
    const env = {
      XDG_CONFIG_HOME: await makeConfigHome(),
      SLIPWAY_URL: api.url,
      SLIPWAY_ROOT_KEY: workspace.rootKey,
    };
    const help = await slipway(["--help"], env);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("Usage: slipway");

    const created = await slipway(["projects", "create", "From Bin", "-o", "json"], env);
    expect(created.code).toBe(0);
    expect(JSON.parse(created.stdout)).toMatchObject({ slug: "from-bin" });

    expect((await slipway(["projcts"], env)).code).toBe(2);
    const refused = await slipway(["projects", "create", "From Bin"], env);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/HTTP 409 .*request id/);
  });
});
