import { systemDnsLookup } from "@slipway/control-plane/src/services/dns-resolver.js";
import {
  startTestApi,
  type TestApi,
  type TestWorkspace,
} from "@slipway/control-plane/test/harness/api.js";
import {
  startTestDnsServer,
  type TestDnsServer,
} from "@slipway/control-plane/test/harness/dns-server.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CliRunOptions, makeConfigHome, runSlipway } from "./harness/run-cli.js";

let api: TestApi;
let dns: TestDnsServer;
let workspace: TestWorkspace;
let env: Record<string, string>;

const slipway = (argv: string[], options: Omit<CliRunOptions, "env"> = {}) =>
  runSlipway(argv, { ...options, env });

beforeAll(async () => {
  dns = await startTestDnsServer();
  api = await startTestApi({ redis: true, dns: systemDnsLookup([dns.address]) });
  workspace = await api.newWorkspace("cli-resources");
  env = {
    XDG_CONFIG_HOME: await makeConfigHome(),
    SLIPWAY_URL: api.url,
    SLIPWAY_ROOT_KEY: workspace.rootKey,
  };
});
afterAll(() => dns.close());

describe("projects and apps", () => {
  it("creates and lists them, as JSON and as a table", async () => {
    const project = await slipway(["projects", "create", "Cli Shop", "--output=json"]);
    expect(project.exitCode).toBe(0);
    const created = project.json<{ id: string; slug: string }>();
    expect(created.slug).toBe("cli-shop");
    expect(created.id).toMatch(/^proj_/);

    const app = await slipway([
      "apps",
      "create",
      "Web",
      "-p",
      "cli-shop",
      "--repository",
      "acme/web",
      "--branch",
      "main",
      "-o",
      "json",
    ]);
    expect(app.exitCode).toBe(0);
    const { appId } = app.json<{ appId: string }>();

    const projects = await slipway(["projects", "list", "--output=json"]);
    expect(projects.json<{ projects: { id: string }[] }>().projects.map((p) => p.id)).toContain(
      created.id,
    );

    const apps = await slipway(["apps", "list", "--project", created.id, "--output=json"]);
    expect(apps.json<{ apps: unknown[] }>().apps).toEqual([
      expect.objectContaining({
        id: appId,
        slug: "web",
        git: { repository: "acme/web", defaultBranch: "main" },
      }),
    ]);
    // What the API stored is what the SDK reads back.
    const read = await workspace.sdk.apps.getApp({ project: "cli-shop", app: "web" });
    expect(read.data.id).toBe(appId);

    const table = await slipway(["apps", "list", "-p", "cli-shop"]);
    expect(table.stdout.split("\n")[0]).toMatch(/^ID\s+SLUG\s+NAME\s+REPOSITORY/);
    expect(table.stdout).toContain("acme/web");
  });
});

describe("environment variables", () => {
  const target = ["-p", "vars", "-a", "api"];
  beforeAll(async () => {
    await workspace.sdk.projects.createProject({ name: "Vars", slug: "vars" });
    await workspace.sdk.apps.createApp({ project: "vars", name: "Api", slug: "api" });
  });

  it("sets from KEY=VALUE and stdin, keeps write-only values unreadable, and removes", async () => {
    const secret = "postgres://user:hunter2-secret@db/app";
    api.secrets.add(secret);
    const fromStdin = await slipway(["env", "set", ...target, "DATABASE_URL"], {
      stdin: `${secret}\n`,
    });
    expect(fromStdin.exitCode).toBe(0);
    expect(fromStdin.stdout + fromStdin.stderr).not.toContain(secret);
    const plain = await slipway([
      "env",
      "set",
      ...target,
      "LOG_LEVEL=debug",
      "PORT=8080",
      "--recoverable",
    ]);
    expect(plain.exitCode).toBe(0);

    const listed = await slipway(["env", "list", ...target, "--output=json"]);
    const variables = listed.json<{ variables: { key: string; kind: string; value?: string }[] }>()
      .variables;
    expect(variables.map(({ key, kind, value }) => ({ key, kind, value }))).toEqual(
      expect.arrayContaining([
        { key: "DATABASE_URL", kind: "writeonly", value: undefined },
        { key: "LOG_LEVEL", kind: "recoverable", value: "debug" },
        { key: "PORT", kind: "recoverable", value: "8080" },
      ]),
    );
    const table = await slipway(["env", "list", ...target]);
    expect(table.stdout).toMatch(/DATABASE_URL\s+writeonly\s+\(write-only\)/);
    expect(table.stdout).not.toContain("hunter2");

    // A write-only variable is never turned recoverable by a set.
    const downgrade = await slipway([
      "env",
      "set",
      ...target,
      "DATABASE_URL=other",
      "--recoverable",
    ]);
    expect(downgrade.exitCode).toBe(2);
    expect(downgrade.stderr).toContain("DATABASE_URL is write-only");

    const removed = await slipway(["env", "rm", ...target, "LOG_LEVEL", "PORT", "-o", "json"]);
    expect(removed.exitCode).toBe(0);
    const after = await workspace.sdk.environments.listEnvironmentVariables({
      project: "vars",
      app: "api",
      environment: "production",
    });
    expect(after.data.map((variable) => variable.key)).toEqual(["DATABASE_URL"]);
  });

  it("refuses names that are not variable names and two values from stdin", async () => {
    expect((await slipway(["env", "set", ...target, "1BAD=x"])).exitCode).toBe(2);
    expect((await slipway(["env", "set", ...target, "A", "B"], { stdin: "x" })).exitCode).toBe(2);
  });
});

describe("domains", () => {
  beforeAll(async () => {
    await workspace.sdk.projects.createProject({ name: "Dom", slug: "dom" });
    await workspace.sdk.apps.createApp({ project: "dom", name: "Site", slug: "site" });
  });

  it("adds a domain with its DNS records, lists it, and verifies it once the records exist", async () => {
    const added = await slipway([
      "domains",
      "add",
      "www.cli-example.com",
      "-p",
      "dom",
      "-a",
      "site",
      "-o",
      "json",
    ]);
    expect(added.exitCode).toBe(0);
    const { domainId, dnsRecords } = added.json<{
      domainId: string;
      dnsRecords: { type: string; name: string; value: string }[];
    }>();
    expect(dnsRecords.map((record) => record.type)).toEqual(["CNAME", "TXT"]);

    const listed = await slipway(["domains", "list", "-p", "dom", "-a", "site", "-o", "json"]);
    expect(listed.json<{ domains: { id: string }[] }>().domains.map((domain) => domain.id)).toEqual(
      [domainId],
    );

    const early = await slipway(["domains", "verify", "www.cli-example.com"]);
    expect(early.exitCode).toBe(0);
    expect(early.stdout).toMatch(/www\.cli-example\.com: verifying \(No TXT record found/);

    const [routing, ownership] = dnsRecords;
    dns.setRecord(ownership!.name, "TXT", [ownership!.value]);
    dns.setRecord(routing!.name, "CNAME", [`${routing!.value}.`]);
    const verified = await slipway(["domains", "verify", domainId, "--output=json"]);
    expect(verified.exitCode).toBe(0);
    expect(verified.json<{ status: string }>().status).toBe("verified");
  });
});

describe("keys", () => {
  it("creates a key (printed once) that then verifies, and says when a key is not valid", async () => {
    const { apiId } = (await workspace.sdk.apis.createApi({ name: "cli-keys" })).data;
    const created = await slipway([
      "keys",
      "create",
      "--api",
      apiId,
      "--name",
      "ci",
      "--prefix",
      "sk",
      "-o",
      "json",
    ]);
    expect(created.exitCode).toBe(0);
    const { key, keyId } = created.json<{ key: string; keyId: string }>();
    api.secrets.add(key);
    expect(key).toMatch(/^sk_/);

    const verified = await slipway(["keys", "verify", "--output=json"], { stdin: key });
    expect(verified.exitCode).toBe(0);
    expect(verified.json()).toMatchObject({ valid: true, code: "VALID", keyId, name: "ci" });

    const invalid = await slipway(["keys", "verify", "sk_doesnotexist"]);
    expect(invalid.exitCode).toBe(1);
    expect(invalid.stdout).toMatch(/^NOT_FOUND/);
  });
});
