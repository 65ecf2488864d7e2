import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { findFreePorts } from "@slipway/shared/free-ports";
import { onHarnessTeardown } from "@slipway/shared/harness-teardown";
import { beforeAll, describe, expect, it } from "vitest";
import type { ProcessRecord } from "../../src/local/process-record.js";
import { type PlatformRun, startPlatform, summaryValue } from "./platform-process.js";
import { slipwayBin } from "./slipway-bin.js";

/**
 * `npm start` builds an ordinary `FROM node:20-slim` Dockerfile with no internet: its buildkitd
 * reads docker.io names from its registry, where it put the node:20-slim built on this machine.
 * The cluster is the testbed's kwok one (KUBECONFIG): pods are not real here (the real-node
 * e2e answers the 200), the build, the image and the printed URL are.
 */
const dataDir = mkdtempSync(join(tmpdir(), "slipway-platform-deploy-"));
const buildSecret = `hello-secret-${randomBytes(12).toString("hex")}`;
let platform: PlatformRun;
let registryUrl: string;
let sentinelPort: number;
let slipway: ReturnType<typeof slipwayBin>;

const manifestTypes =
  "application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json";

beforeAll(async () => {
  onHarnessTeardown(async () => {
    if (platform && platform.child.exitCode === null) {
      platform.child.kill("SIGINT");
      await platform.exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  });
  const kubeconfig = process.env.KUBECONFIG;
  if (!kubeconfig) throw new Error("the testbed global setup did not set KUBECONFIG");
  const [apiPort, port] = await findFreePorts(2);
  sentinelPort = port!;
  platform = startPlatform({
    KUBECONFIG: kubeconfig,
    SLIPWAY_DATA_DIR: dataDir,
    PORT: String(apiPort),
    SENTINEL_PORT: String(sentinelPort),
    LOG_LEVEL: "warn",
  });
  const summary = await platform.ready;
  const record = JSON.parse(readFileSync(join(dataDir, "processes.json"), "utf8")) as ProcessRecord;
  registryUrl = record.processes.find((entry) => entry.name === "registry")!.address!;
  slipway = slipwayBin({
    apiUrl: summaryValue(summary, "API:"),
    rootKey: summaryValue(summary, "Root key:"),
  });
}, 1_800_000);

async function blob(repository: string, digest: string): Promise<Buffer> {
  const bytes = Buffer.from(
    await (await fetch(`${registryUrl}/v2/${repository}/blobs/${digest}`)).arrayBuffer(),
  );
  return bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes;
}

describe("npm start and `slipway deploy examples/hello`", () => {
  it("puts node:20-slim into its registry where docker.io/library/node:20-slim resolves", async () => {
    const response = await fetch(`${registryUrl}/v2/library/node/manifests/20-slim`, {
      headers: { accept: manifestTypes },
    });
    expect(response.status).toBe(200);
  });

  it("builds the FROM node:20-slim app with its build secret and prints a URL with Sentinel's port", async () => {
    for (const argv of [
      ["projects", "create", "Hello", "--slug", "hello"],
      ["apps", "create", "hello", "-p", "hello"],
    ]) {
      const run = await slipway(argv);
      expect(run, run.stderr).toMatchObject({ code: 0 });
    }
    const secretSet = await slipway(
      ["env", "set", "-p", "hello", "-a", "hello", "HELLO_BUILD_SECRET"],
      buildSecret,
    );
    expect(secretSet.code, secretSet.stderr).toBe(0);

    const deploy = await slipway([
      "deploy",
      "examples/hello",
      ...["-p", "hello", "-a", "hello", "-o", "json"],
    ]);
    expect(deploy.code, `${deploy.stdout}\n${deploy.stderr}`).toBe(0);
    const result = JSON.parse(deploy.stdout) as { deploymentId: string; urls: string[] };
    const label = result.deploymentId.replace(/^dep_/, "").toLowerCase();
    // The production environment's stable name first (it follows promote and rollback), then
    // the deployment's own.
    expect(result.urls).toEqual([
      expect.stringMatching(
        new RegExp(`^http://hello-production-[0-9a-f]{12}\\.slipway\\.localhost:${sentinelPort}$`),
      ),
      `http://hello-${label}.slipway.localhost:${sentinelPort}`,
    ]);

    // The image: node:20-slim's Node runs server.js; the build saw the secret; no layer holds it.
    const got = await slipway(["deployments", "get", result.deploymentId, "-o", "json"]);
    const image = (JSON.parse(got.stdout) as { docker?: { image: string } }).docker!.image;
    const [name, digest] = image.replace(/^[^/]+\//, "").split("@") as [string, string];
    const manifest = (await (
      await fetch(`${registryUrl}/v2/${name}/manifests/${digest}`, {
        headers: { accept: manifestTypes },
      })
    ).json()) as { config: { digest: string }; layers: { digest: string }[] };
    const config = JSON.parse((await blob(name, manifest.config.digest)).toString("utf8")) as {
      config: { Cmd: string[]; User: string };
    };
    expect(config.config).toMatchObject({ Cmd: ["node", "server.js"], User: "1000" });
    const layers = await Promise.all(manifest.layers.map((layer) => blob(name, layer.digest)));
    const all = Buffer.concat(layers);
    expect(all.includes("usr/local/bin/node")).toBe(true);
    expect(all.includes('"buildSecretPresent":true')).toBe(true);
    for (const [i, layer] of layers.entries()) {
      expect(layer.includes(buildSecret), `secret in layer ${i}`).toBe(false);
    }
    expect(Buffer.from(JSON.stringify(config)).includes(buildSecret)).toBe(false);
  });
});
