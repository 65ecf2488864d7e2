/**
 * `npm run images`: the node:20-slim and node:20 bases (built here once, cached), then every
 * Slipway image built with the project's BuildKit and pushed to a local registry, tagged with
 * the git SHA; the same Dockerfile again on the full node:20 base as the size peer.
 *
 * The registry keeps its data in ~/.cache/slipway/images-registry, so the images outlive the
 * run; SLIPWAY_IMAGES_REGISTRY=host:port pushes to a registry already running instead
 * (e.g. the real node's, see `npm run cluster:up`).
 */
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import {
  ensureBuildkit,
  type LocalRegistry,
  readBuilderSettings,
  startBuildkitd,
  startRegistry,
} from "@slipway/builder";
import { loadOrBuildNodeBase, NODE_FULL, NODE_SLIM } from "../images/node-base-image.js";
import { parseImageRef, pushImage } from "../images/push-image.js";
import {
  buildSlipwayImage,
  fetchManifest,
  pulledBytes,
  SLIPWAY_IMAGES,
} from "../images/slipway-images.js";
import { log, runCli } from "./run-cli.js";

const run = promisify(execFile);
const REPO_ROOT = resolve(import.meta.dirname, "../../..");

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

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
    const rows: string[] = [];
    for (const image of SLIPWAY_IMAGES) {
      for (const [base, suffix] of [
        [NODE_SLIM.image, ""],
        [NODE_FULL.image, "-node20full"],
      ] as const) {
        const built = await buildSlipwayImage(
          {
            buildctl: binaries.buildctl,
            addr: buildkit.addr,
            repoRoot: REPO_ROOT,
            image,
            registryHost,
            base,
            tag: `${tag}${suffix}`,
            extraCaFile: process.env.NODE_EXTRA_CA_CERTS,
          },
          workDir,
        );
        const manifest = await fetchManifest(registryUrl, `slipway/${image.name}`, built.digest);
        const line = `${image.name.padEnd(14)} FROM ${parseImageRef(base).tag.padEnd(8)} ${mb(pulledBytes(manifest)).padStart(9)} compressed, built in ${built.seconds.toFixed(1)} s  ${built.ref}`;
        rows.push(line);
        log(line);
      }
    }
    log(`\nimages (tag ${tag}, registry ${registryHost}):\n${rows.join("\n")}`);
  } finally {
    await buildkit.stop();
    await registry?.stop();
    await rm(workDir, { recursive: true, force: true }).catch(() => undefined);
  }
});
