import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import {
  startTestApi,
  type TestApi,
  type TestWorkspace,
} from "@slipway/control-plane/test/harness/api.js";
import { beforeAll, describe, expect, it } from "vitest";
import { makeConfigHome, runSlipway } from "./harness/run-cli.js";

let api: TestApi;
let workspace: TestWorkspace;

beforeAll(async () => {
  api = await startTestApi();
  workspace = await api.newWorkspace("cli-login");
});

describe("slipway login", () => {
  it("stores the URL and root key readable by the user alone, and never prints the key", async () => {
    const configHome = await makeConfigHome();
    const login = await runSlipway(["login", "--url", api.url], {
      env: { XDG_CONFIG_HOME: configHome },
      stdin: `${workspace.rootKey}\n`,
    });
    expect(login.exitCode).toBe(0);
    expect(login.stdout + login.stderr).not.toContain(workspace.rootKey);
    const path = join(configHome, "slipway", "credentials.json");
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect((await stat(join(configHome, "slipway"))).mode & 0o777).toBe(0o700);
    expect(JSON.parse(await readFile(path, "utf8"))).toEqual({
      url: api.url,
      rootKey: workspace.rootKey,
    });

    // Later commands use the stored credentials.
    await workspace.sdk.projects.createProject({ name: "Stored", slug: "stored" });
    const list = await runSlipway(["projects", "list", "--output=json"], {
      env: { XDG_CONFIG_HOME: configHome },
    });
    expect(list.exitCode).toBe(0);
    expect(list.json<{ projects: { slug: string }[] }>().projects.map((p) => p.slug)).toContain(
      "stored",
    );
  });

  it("rewrites an existing file with 0600 even if it was readable by others", async () => {
    const configHome = await makeConfigHome();
    const env = { XDG_CONFIG_HOME: configHome };
    await runSlipway(["login", "--url", api.url], { env, stdin: workspace.rootKey });
    const path = join(configHome, "slipway", "credentials.json");
    const { chmod } = await import("node:fs/promises");
    await chmod(path, 0o644);
    const again = await runSlipway(["login", "--url", api.url], { env, stdin: workspace.rootKey });
    expect(again.exitCode).toBe(0);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  it("SLIPWAY_URL and SLIPWAY_ROOT_KEY override the stored credentials", async () => {
    const configHome = await makeConfigHome();
    await runSlipway(["login", "--url", api.url], {
      env: { XDG_CONFIG_HOME: configHome },
      stdin: workspace.rootKey,
    });
    const wrongKey = await runSlipway(["projects", "list"], {
      env: { XDG_CONFIG_HOME: configHome, SLIPWAY_ROOT_KEY: "sk_not_a_root_key" },
    });
    expect(wrongKey.exitCode).toBe(3);
    expect(wrongKey.stderr).toMatch(/HTTP 401/);

    const otherUrl = await runSlipway(["projects", "list"], {
      env: { XDG_CONFIG_HOME: configHome, SLIPWAY_URL: "http://127.0.0.1:1" },
    });
    expect(otherUrl.exitCode).toBe(3);
    expect(otherUrl.stderr).toContain("Cannot reach the Slipway API at http://127.0.0.1:1");

    // Both from the environment: no file needed at all.
    const envOnly = await runSlipway(["projects", "list", "--output=json"], {
      env: {
        XDG_CONFIG_HOME: await makeConfigHome(),
        SLIPWAY_URL: api.url,
        SLIPWAY_ROOT_KEY: workspace.rootKey,
      },
    });
    expect(envOnly.exitCode).toBe(0);
  });

  it("refuses a key the API does not know and stores nothing", async () => {
    const configHome = await makeConfigHome();
    const login = await runSlipway(["login", "--url", api.url], {
      env: { XDG_CONFIG_HOME: configHome },
      stdin: "sk_wrong",
    });
    expect(login.exitCode).toBe(3);
    expect(login.stderr).toMatch(/request id req_/);
    await expect(stat(join(configHome, "slipway", "credentials.json"))).rejects.toThrow(/ENOENT/);
  });

  it("is a usage error without a URL, with a bad URL, or without a key", async () => {
    const env = { XDG_CONFIG_HOME: await makeConfigHome() };
    expect((await runSlipway(["login"], { env, stdin: "sk_x" })).exitCode).toBe(2);
    expect((await runSlipway(["login", "--url", "ftp://x"], { env, stdin: "sk_x" })).exitCode).toBe(
      2,
    );
    expect((await runSlipway(["login", "--url", api.url], { env, stdin: "" })).exitCode).toBe(2);
    const notLoggedIn = await runSlipway(["projects", "list"], { env });
    expect(notLoggedIn.exitCode).toBe(2);
    expect(notLoggedIn.stderr).toContain("slipway login");
  });
});
