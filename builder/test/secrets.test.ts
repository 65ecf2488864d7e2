import { createHash, randomBytes } from "node:crypto";
import { readFile, readlink, rm } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";
import type { BuildEvent } from "@slipway/shared";
import { afterAll, describe, expect, it } from "vitest";
import { runBuild } from "../src/image-build/run-build.js";
import { makeApp, stack, testDeps, uniqueRepository } from "./harness/context.js";
import { findProcesses } from "./harness/processes.js";
import { downloadAllBlobs, downloadImage } from "./harness/registry-client.js";

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

describe("environment variables as BuildKit secrets", () => {
  it("are readable by RUN --mount=type=secret but absent from layers, config, cache and logs", async () => {
    const npmToken = "npm_Zq7sV9xLr2KpW4mT8cYb";
    const apiKey = "sk-live-4f9a8b7c6d5e4f3a2b1c";
    const dir = await makeApp({
      Dockerfile: [
        `FROM ${stack().baseImage}`,
        // Time to look at the running buildctl from outside.
        "RUN sleep 2",
        // The per-variable secret, used the way the issue describes it.
        'RUN --mount=type=secret,id=NPM_TOKEN NPM_TOKEN=$(cat /run/secrets/NPM_TOKEN) && printf %s "$NPM_TOKEN" | sha256sum > /npm-token.sha256',
        // The env-file secret, sourced by sh.
        'RUN --mount=type=secret,id=slipway.env set -a && . /run/secrets/slipway.env && printf %s "$API_KEY" | sha256sum > /api-key.sha256',
        // A careless build step that prints a secret: the builder's logs must not show it.
        'RUN --mount=type=secret,id=API_KEY echo "key is $(cat /run/secrets/API_KEY)"',
        "",
      ].join("\n"),
    });
    dirs.push(dir);
    const repository = uniqueRepository("secrets");
    const cacheRef = `${repository}:buildcache`;
    const events: BuildEvent[] = [];
    const seen = inspectBuildctl(repository);
    const result = await runBuild(
      {
        deploymentId: "dep_secret1",
        source: { kind: "directory", path: dir },
        rootDirectory: ".",
        env: { NPM_TOKEN: npmToken, API_KEY: apiKey },
        imageRepository: repository,
        cacheRef,
      },
      testDeps(),
      { onEvent: (event) => events.push(event) },
    );

    // buildctl got the values through descriptors of unlinked in-memory files: not through
    // argv, not through its environment, and no file of them is left on disk.
    const buildctl = await seen;
    expect(buildctl.cmdline).toContain("id=NPM_TOKEN,src=/dev/fd/4");
    for (const secret of [npmToken, apiKey]) {
      expect(buildctl.cmdline).not.toContain(secret);
      expect(buildctl.environ).not.toContain(secret);
    }
    expect(buildctl.secretFile).toMatch(/^\/dev\/shm\/slipway-secrets-[^/]+\/1 \(deleted\)$/);

    const image = await downloadImage(result.imageRef);
    const layers = Buffer.concat(image.layers).toString("latin1");
    // The RUN steps really read the values: their hashes are in the image...
    expect(layers).toContain(sha256(npmToken));
    expect(layers).toContain(sha256(apiKey));
    // ...the values themselves are nowhere.
    for (const secret of [npmToken, apiKey]) {
      expect(layers).not.toContain(secret);
      expect(image.config).not.toContain(secret);
      expect(JSON.stringify(events)).not.toContain(secret);
    }
    // Not baked in as ENV either (the history keeps the RUN text, which names but never holds them).
    const env: string[] = JSON.parse(image.config).config.Env;
    expect(env.filter((entry) => /^(NPM_TOKEN|API_KEY)=/.test(entry))).toEqual([]);

    const cacheBlobs = Buffer.concat(await downloadAllBlobs(cacheRef)).toString("latin1");
    expect(cacheBlobs.length).toBeGreaterThan(0);
    expect(cacheBlobs).not.toContain(npmToken);
    expect(cacheBlobs).not.toContain(apiKey);

    // The printing step ran and its line reached the log, redacted.
    expect(events).toContainEqual(expect.objectContaining({ type: "log", line: "key is ***" }));
  });
});

/** What the API accepts in one setEnvironmentVariables call: 50 variables of 64 KiB. */
const API_MAX_VARIABLES = 50;
const API_MAX_VALUE_BYTES = 65_536;
const bigEnvironment = (count: number) =>
  Object.fromEntries(
    Array.from({ length: count }, (_, i) => [
      `VAR_${String(i).padStart(2, "0")}`,
      randomBytes((API_MAX_VALUE_BYTES / 4) * 3).toString("base64"),
    ]),
  );

describe("large environments (over the 128 KiB a single environment string may hold)", () => {
  it("the API's largest request, 50 variables of 64 KiB (3.2 MiB), builds; each variable is mounted by name", async () => {
    const env = bigEnvironment(API_MAX_VARIABLES);
    expect(Object.values(env).every((value) => value.length === API_MAX_VALUE_BYTES)).toBe(true);
    const dir = await makeApp({
      Dockerfile: [
        `FROM ${stack().baseImage}`,
        "RUN --mount=type=secret,id=VAR_00 sha256sum /run/secrets/VAR_00 > /first.sha256",
        "RUN --mount=type=secret,id=VAR_49 sha256sum /run/secrets/VAR_49 > /last.sha256",
        // Too big for one BuildKit secret (500 KiB): sourcing it says so instead of a partial env.
        "RUN --mount=type=secret,id=slipway.env . /run/secrets/slipway.env || echo sourcing failed",
        "",
      ].join("\n"),
    });
    dirs.push(dir);
    const events: BuildEvent[] = [];
    const result = await runBuild(
      {
        deploymentId: "dep_bigenv",
        source: { kind: "directory", path: dir },
        rootDirectory: ".",
        env,
        imageRepository: uniqueRepository("bigenv"),
      },
      testDeps(),
      { onEvent: (event) => events.push(event) },
    );
    const layers = Buffer.concat((await downloadImage(result.imageRef)).layers).toString("latin1");
    expect(layers).toContain(sha256(env.VAR_00 as string));
    expect(layers).toContain(sha256(env.VAR_49 as string));
    const lines = events.flatMap((event) => (event.type === "log" ? [event.line] : []));
    expect(lines.join("\n")).toMatch(/are over the 500 KiB limit of a BuildKit secret/);
    expect(lines).toContain("sourcing failed");
  });

  it("an env file of 448 KiB of values is sourced whole", async () => {
    const env = bigEnvironment(7);
    const dir = await makeApp({
      Dockerfile: [
        `FROM ${stack().baseImage}`,
        'RUN --mount=type=secret,id=slipway.env set -a && . /run/secrets/slipway.env && printf %s "$VAR_06" | sha256sum > /v6.sha256',
        "",
      ].join("\n"),
    });
    dirs.push(dir);
    const result = await runBuild(
      {
        deploymentId: "dep_envfile",
        source: { kind: "directory", path: dir },
        rootDirectory: ".",
        env,
        imageRepository: uniqueRepository("envfile"),
      },
      testDeps(),
    );
    const layers = Buffer.concat((await downloadImage(result.imageRef)).layers).toString("latin1");
    expect(layers).toContain(sha256(env.VAR_06 as string));
  });
});

/** The argv and environment of the buildctl building `repository`, read from /proc while it runs. */
async function inspectBuildctl(
  repository: string,
): Promise<{ cmdline: string; environ: string; secretFile: string }> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    for (const pid of await findProcesses(repository)) {
      try {
        const cmdline = (await readFile(`/proc/${pid}/cmdline`, "utf8")).replaceAll("\0", " ");
        if (!cmdline.includes(" build ")) continue;
        const environ = (await readFile(`/proc/${pid}/environ`, "utf8")).replaceAll("\0", "\n");
        const secretFile = await readlink(`/proc/${pid}/fd/4`);
        return { cmdline, environ, secretFile };
      } catch {
        // Exited meanwhile.
      }
    }
    await sleep(20);
  }
  throw new Error("buildctl was never seen running");
}
