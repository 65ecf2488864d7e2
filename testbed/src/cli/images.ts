/**
 * `npm run images`: the node:20-slim and node:20 bases (built here once, cached), then every
 * Slipway image built with the project's BuildKit and pushed to a local registry, tagged with
 * the git SHA; the same Dockerfile again on the full node:20 base as the size peer; then the
 * Debian-based PostgreSQL and Redis of the chart's bundled stores (trials), content-keyed; then
 * the chart's buildkitd (Debian, runc and the pinned buildkitd), content-keyed too.
 *
 * The registry keeps its data in ~/.cache/slipway/images-registry, so the images outlive the
 * run; SLIPWAY_IMAGES_REGISTRY=host:port pushes to a registry already running instead
 * (e.g. the real node's, see `npm run cluster:up`).
 */
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { promisify } from "node:util";
import {
  ensureBuildkit,
  type LocalRegistry,
  readBuilderSettings,
  startBuildkitd,
  startRegistry,
} from "@slipway/builder";
import { BUILDKITD_IMAGE_NAME, loadOrBuildBuildkitdImage } from "../images/buildkitd-image.js";
import { loadOrBuildNodeBase, NODE_FULL, NODE_SLIM } from "../images/node-base-image.js";
import { pushImage } from "../images/push-image.js";
import {
  buildSlipwayImage,
  fetchManifest,
  pulledBytes,
  SLIPWAY_IMAGES,
} from "../images/slipway-images.js";
import { loadOrBuildStoreImage, STORE_IMAGES } from "../images/store-images.js";
import { log, runCli } from "./run-cli.js";

const run = promisify(execFile);
const REPO_ROOT = resolve(import.meta.dirname, "../../..");

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

runCli(async () => {
  const settings = readBuilderSettings(process.env);
  const sha = (
    await run("git", ["rev-parse", "--short=12", "HEAD"], { cwd: REPO_ROOT })
  ).stdout.trim();
  const dirty = (await run("git", ["status", "--porcelain"], { cwd: REPO_ROOT })).stdout.trim();
  const tag = dirty ? `${sha}-dirty` : sha;
  const bases = [NODE_SLIM, NODE_FULL];
  const baseImages = [];
  for (const recipe of bases) {
    const started = Date.now();
    baseImages.push(await loadOrBuildNodeBase(recipe, { cacheDir: settings.cacheDir, log }));
    log(`${recipe.image}: ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
  let registry: LocalRegistry | undefined;
  let registryHost = process.env.SLIPWAY_IMAGES_REGISTRY;
  if (!registryHost) {
    const dir = join(settings.cacheDir, "images-registry");
    await mkdir(dir, { recursive: true });
    registry = await startRegistry(dir);
    registryHost = registry.host;
  }
  const registryUrl = `http://${registryHost}`;
  const workDir = await mkdtemp(join(tmpdir(), "slipway-img-"));
  const binaries = await ensureBuildkit(settings, log);
  const buildkit = await startBuildkitd({
    binaries,
    workDir,
    plainHttpRegistries: [registryHost],
    log,
  });
  try {
    for (const [i, recipe] of bases.entries()) {
      await pushImage(registryUrl, recipe.image, baseImages[i]!);
    }
    const results = await buildAll({
      buildctl: binaries.buildctl,
      addr: buildkit.addr,
      registryHost,
      registryUrl,
      tag,
      workDir,
    });
    const stores = await ensureStoreImages({ registryUrl, registryHost, tag, settings });
    const buildkitd = await loadOrBuildBuildkitdImage({
      ...binaries,
      cacheDir: settings.cacheDir,
      log,
    });
    for (const tagged of [tag, buildkitd.tag]) {
      await pushImage(
        registryUrl,
        `${registryHost}/slipway/${BUILDKITD_IMAGE_NAME}:${tagged}`,
        buildkitd.oci,
      );
    }
    log(`\nimages (tag ${tag}, registry ${registryHost}); peer: the same Dockerfile FROM node:20`);
    log(formatResults(results));
    log(
      `\nbundled stores (trials; tagged ${tag} and with their content key):\n${stores.join("\n")}`,
    );
    const buildkitdBytes =
      buildkitd.oci.config.size + buildkitd.oci.layers.reduce((sum, l) => sum + l.size, 0);
    log(
      `\nbuildkitd (buildkit.image.repository=${registryHost}/slipway/${BUILDKITD_IMAGE_NAME}, tag ${tag}): ${mb(buildkitdBytes)}, ${buildkitd.cached ? "from the cache" : `built in ${buildkitd.seconds.toFixed(1)} s`}`,
    );
  } finally {
    await buildkit.stop();
    await registry?.stop();
    await rm(workDir, { recursive: true, force: true }).catch(() => undefined);
  }
});

interface BuildAllOptions {
  buildctl: string;
  addr: string;
  registryHost: string;
  registryUrl: string;
  tag: string;
  workDir: string;
}

interface Measured {
  bytes: number;
  seconds: number;
  ref: string;
}

interface ImageResult {
  name: string;
  slim: Measured;
  full: Measured;
}

/** Each image on the slim base, then the same Dockerfile on the full base (the peer). */
async function buildAll(options: BuildAllOptions): Promise<ImageResult[]> {
  const results: ImageResult[] = [];
  for (const image of SLIPWAY_IMAGES) {
    const measure = async (base: string, suffix: string): Promise<Measured> => {
      const built = await buildSlipwayImage(
        {
          buildctl: options.buildctl,
          addr: options.addr,
          repoRoot: REPO_ROOT,
          image,
          registryHost: options.registryHost,
          base,
          tag: `${options.tag}${suffix}`,
          version: options.tag,
          extraCaFile: process.env.NODE_EXTRA_CA_CERTS,
          localContexts: { buildctl: dirname(options.buildctl) },
        },
        options.workDir,
      );
      const manifest = await fetchManifest(
        options.registryUrl,
        `slipway/${image.name}`,
        built.digest,
      );
      const bytes = pulledBytes(manifest);
      log(`${image.name} FROM ${base}: ${mb(bytes)}, ${built.seconds.toFixed(1)} s, ${built.ref}`);
      return { bytes, seconds: built.seconds, ref: built.ref };
    };
    const slim = await measure(NODE_SLIM.image, "");
    const full = await measure(NODE_FULL.image, "-node20full");
    results.push({ name: image.name, slim, full });
  }
  return results;
}

/**
 * The bundled stores' images, from their cache or built (debootstrap + apt), pushed under the
 * run's tag (the chart's `image.tag` finds them beside the others) and their content key.
 */
async function ensureStoreImages(options: {
  registryUrl: string;
  registryHost: string;
  tag: string;
  settings: { cacheDir: string };
}) {
  const { registryUrl, registryHost, tag, settings } = options;
  const lines = ["| image | size | build |", "| --- | --- | --- |"];
  for (const recipe of STORE_IMAGES) {
    const image = await loadOrBuildStoreImage(recipe, {
      repoRoot: REPO_ROOT,
      cacheDir: settings.cacheDir,
      log,
    });
    const ref = `${registryHost}/slipway/${recipe.name}:${tag}`;
    await pushImage(registryUrl, ref, image.oci);
    await pushImage(registryUrl, `${registryHost}/slipway/${recipe.name}:${image.tag}`, image.oci);
    const bytes = image.oci.config.size + image.oci.layers.reduce((sum, l) => sum + l.size, 0);
    const how = image.cached ? "from the cache" : `built in ${image.seconds.toFixed(1)} s`;
    log(`${ref}: ${mb(bytes)}, ${how}`);
    lines.push(`| ${recipe.name} | ${mb(bytes)} | ${how} |`);
  }
  return lines;
}

function formatResults(results: ImageResult[]): string {
  const lines = [
    "| image | node:20-slim size | build | node:20 (peer) size | build | size peer/slim |",
    "| --- | --- | --- | --- | --- | --- |",
  ];
  for (const r of results) {
    lines.push(
      `| ${r.name} | ${mb(r.slim.bytes)} | ${r.slim.seconds.toFixed(1)} s | ${mb(r.full.bytes)} | ${r.full.seconds.toFixed(1)} s | ${(r.full.bytes / r.slim.bytes).toFixed(2)} |`,
    );
  }
  return lines.join("\n");
}
