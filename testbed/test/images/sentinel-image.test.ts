/**
 * Sentinel's image (the smallest of Slipway's), built from its Dockerfile by a real buildkitd
 * on the locally built node:20-slim, pushed to a real registry, then pulled back: what it runs
 * as, what it contains, how big it is, and that it serves and stops under runc the way a pod
 * would run it (uid 1000, read-only root, /tmp as an emptyDir).
 */
import { readFileSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { type LocalBuildStack, readBuilderSettings, startLocalBuildStack } from "@slipway/builder";
import { findFreePort } from "@slipway/shared/free-ports";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadOrBuildNodeBase, NODE_SLIM } from "../../src/images/node-base-image.js";
import { pushImage } from "../../src/images/push-image.js";
import { buildSlipwayImage, pulledBytes, SLIPWAY_IMAGES } from "../../src/images/slipway-images.js";
import { listEntries, type PulledImage, pullImage, unpackRootfs } from "./pulled-image.js";
import { runWithRunc } from "./run-with-runc.js";

const REPO_ROOT = resolve(import.meta.dirname, "../../..");
/** The base is ~71 MB compressed; Sentinel's bundle and production dependencies add a few. */
const MAX_COMPRESSED_BYTES = 90 * 1024 * 1024;

let stack: LocalBuildStack;
let work: string;
let image: PulledImage;
let entries: string[];

beforeAll(async () => {
  const settings = readBuilderSettings(process.env);
  const log = (line: string) => console.log(`[images] ${line}`);
  stack = await startLocalBuildStack(settings, log);
  work = await mkdtemp(join(tmpdir(), "slipway-image-test-"));
  const base = await loadOrBuildNodeBase(NODE_SLIM, { cacheDir: settings.cacheDir, log });
  await pushImage(stack.registry.url, NODE_SLIM.image, base);
  const sentinel = SLIPWAY_IMAGES.find((i) => i.name === "sentinel")!;
  const built = await buildSlipwayImage(
    {
      buildctl: stack.binaries.buildctl,
      addr: stack.buildkit.addr,
      repoRoot: REPO_ROOT,
      image: sentinel,
      registryHost: stack.registry.host,
      base: NODE_SLIM.image,
      tag: "test",
      version: "test-1",
      extraCaFile: process.env.NODE_EXTRA_CA_CERTS,
    },
    work,
  );
  image = await pullImage(stack.registry.url, "slipway/sentinel", built.digest, join(work, "pull"));
  entries = await listEntries(image);
});

afterAll(async () => {
  await stack?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

describe("Sentinel's image", () => {
  it("runs node on the bundle as uid 1000, without a shell, an init or a HEALTHCHECK", () => {
    const { config } = image.config;
    expect(config.User).toBe("1000:1000");
    expect(config.Entrypoint ?? []).toEqual([]);
    expect(config.Cmd).toEqual(["node", "--enable-source-maps", "sentinel/bundle/bin/main.mjs"]);
    expect(config.WorkingDir).toBe("/app");
    expect(config.Env).toContain("NODE_ENV=production");
    // The release it was built as, for the process to report and for registries to show.
    expect(config.Env).toContain("SLIPWAY_VERSION=test-1");
    expect(config.Labels?.["org.opencontainers.image.version"]).toBe("test-1");
    expect(config.Healthcheck).toBeUndefined();
  });

  it("ships the bundle and production dependencies only: no sources, tests, dev tools or secrets", () => {
    expect(entries).toContain("app/sentinel/bundle/bin/main.mjs");
    expect(entries).toContain("app/node_modules/pg/package.json");
    const appFiles = entries.filter(
      (e) => e.startsWith("app/") && !e.startsWith("app/node_modules/"),
    );
    const unexpected = appFiles.filter(
      (e) =>
        !/^app\/([a-z-]+\/)?(package\.json|package-lock\.json)?$/.test(e) &&
        !e.startsWith("app/sentinel/bundle/"),
    );
    expect(unexpected).toEqual([]);
    const shipped = new Set(
      entries
        .filter((e) => e.startsWith("app/node_modules/"))
        .map((e) => packageName(e.slice("app/node_modules/".length))),
    );
    const devOnly = devOnlyPackages();
    expect(devOnly).toContain("vitest");
    expect([...shipped].filter((name) => devOnly.includes(name))).toEqual([]);
    // No env files or npm credentials anywhere, no keys in the app, no npm cache, no build
    // secret (the extra-ca mount), no whiteouts (the runc test unpacks layers plainly).
    const leaks = entries.filter(
      (e) =>
        /(^|\/)\.env(\.|$)|(^|\/)\.npmrc$/.test(e) ||
        (e.startsWith("app/") && /\.(pem|key)$/.test(e)) ||
        /^(root\/\.npm|run\/secrets)\//.test(e) ||
        e.includes("/.wh."),
    );
    expect(leaks).toEqual([]);
  });

  it(`is at most ${MAX_COMPRESSED_BYTES / 1024 / 1024} MB compressed`, () => {
    expect(pulledBytes(image.manifest)).toBeLessThanOrEqual(MAX_COMPRESSED_BYTES);
  });

  it("serves HTTP as uid 1000 on a read-only root under runc and exits 0 on SIGTERM", async () => {
    const bundleDir = join(work, "bundle");
    await unpackRootfs(image, join(bundleDir, "rootfs"));
    const configDir = join(work, "config");
    await mkdir(configDir);
    await writeFile(join(configDir, "sentinel.json"), JSON.stringify({ routes: [] }));
    const port = await findFreePort();
    const container = await runWithRunc({
      bundleDir,
      id: `slipway-sentinel-${port}`,
      image: image.config,
      env: [
        "SLIPWAY_REGION=eu-1",
        "SENTINEL_HOST=127.0.0.1",
        `SENTINEL_PORT=${port}`,
        "SENTINEL_ADMIN_HOST=127.0.0.1",
        `SENTINEL_ADMIN_PORT=${await findFreePort()}`,
        "SENTINEL_CONFIG_FILE=/config/sentinel.json",
      ],
      binds: { [configDir]: "/config" },
    });
    try {
      const listening = await waitFor(
        () => container.stdout().includes("sentinel listening"),
        container,
      );
      expect(listening, container.stdout()).toBe(true);
      const res = await fetch(`http://127.0.0.1:${port}/`, { headers: { host: "nobody.example" } });
      expect(res.status).toBe(404);
      await container.kill("TERM");
      expect(await container.exited).toBe(0);
    } finally {
      await container.remove();
    }
  });
});

/** `@scope/name` or `name` of a path inside node_modules. */
function packageName(path: string): string {
  const parts = path.split("/");
  return parts[0]?.startsWith("@") ? `${parts[0]}/${parts[1]}` : (parts[0] ?? "");
}

/** Top-level packages the lockfile installs only as dev dependencies. */
function devOnlyPackages(): string[] {
  const lock = JSON.parse(readFileSync(join(REPO_ROOT, "package-lock.json"), "utf8")) as {
    packages: Record<string, { dev?: boolean }>;
  };
  return Object.entries(lock.packages)
    .filter(([path, info]) => info.dev && /^node_modules\/(@[^/]+\/)?[^/]+$/.test(path))
    .map(([path]) => path.slice("node_modules/".length));
}

async function waitFor(
  condition: () => boolean,
  container: { exited: Promise<number | null> },
): Promise<boolean> {
  let exited = false;
  void container.exited.then(() => {
    exited = true;
  });
  while (!condition() && !exited) await new Promise((r) => setTimeout(r, 100));
  return condition();
}
