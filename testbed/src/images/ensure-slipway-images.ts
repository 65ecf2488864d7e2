/**
 * Slipway's three images in a registry the caller names (e.g. the real node's): each pushed
 * from the content cache (slipway-image-cache.ts) when its inputs are unchanged, otherwise
 * built with the project's BuildKit on the locally built node:20-slim, pushed, and kept.
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import {
  type BuilderSettings,
  ensureBuildkit,
  type LocalBuildkit,
  startBuildkitd,
} from "@slipway/builder";
import { loadOrBuildNodeBase, NODE_SLIM } from "./node-base-image.js";
import type { OciImage } from "./oci-image.js";
import { pushImage } from "./push-image.js";
import {
  digestRepositoryFiles,
  fileDigest,
  imageCacheKey,
  imageInputs,
  loadCachedImage,
  pullRegistryImage,
  saveCachedImage,
} from "./slipway-image-cache.js";
import { buildSlipwayImage, SLIPWAY_IMAGES, type SlipwayImage } from "./slipway-images.js";

export interface EnsureImagesOptions {
  repoRoot: string;
  settings: Pick<BuilderSettings, "cacheDir" | "binDir">;
  /** host:port of a plain-HTTP registry, also the host part of every image reference. */
  registryHost: string;
  /**
   * Releases to make of every image (the SLIPWAY_VERSION build argument each reports), e.g. a
   * first and a second one to upgrade to: the same sources, different images. One BuildKit
   * serves them all, so a later version reuses the earlier one's stages.
   */
  versions: string[];
  log: (line: string) => void;
}

export interface EnsuredImage {
  name: string;
  version: string;
  /** `<registryHost>/slipway/<name>:<tag>`; the tag is the content key. */
  ref: string;
  repository: string;
  tag: string;
  oci: OciImage;
  /** Taken from the cache (no build). */
  cached: boolean;
  seconds: number;
}

interface StartedBuildkit {
  daemon: LocalBuildkit;
  workDir: string;
}

/** Every image in every version, in that order (all of the first version, then the next). */
export async function ensureSlipwayImages(options: EnsureImagesOptions): Promise<EnsuredImage[]> {
  const { settings, registryHost, log } = options;
  const base = await loadOrBuildNodeBase(NODE_SLIM, { cacheDir: settings.cacheDir, log });
  await pushImage(`http://${registryHost}`, NODE_SLIM.image, base);
  const binaries = await ensureBuildkit(settings, log);
  const buildctlDigest = await fileDigest(binaries.buildctl);
  let buildkit: StartedBuildkit | undefined;
  const buildkitOnce = async () => {
    if (buildkit) return buildkit;
    const workDir = await mkdtemp(join(tmpdir(), "slipway-img-"));
    const daemon = await startBuildkitd({
      binaries,
      workDir,
      plainHttpRegistries: [registryHost],
      log,
    });
    buildkit = { daemon, workDir };
    return buildkit;
  };
  const results: EnsuredImage[] = [];
  try {
    for (const version of options.versions) {
      for (const image of SLIPWAY_IMAGES) {
        const context = { options, baseManifestDigest: base.manifest.digest, buildctlDigest };
        results.push(await ensureOne(context, image, version, binaries.buildctl, buildkitOnce));
      }
    }
  } finally {
    if (buildkit) {
      await buildkit.daemon.stop();
      await rm(buildkit.workDir, { recursive: true, force: true }).catch(() => undefined);
    }
  }
  return results;
}

interface EnsureContext {
  options: EnsureImagesOptions;
  baseManifestDigest: string;
  buildctlDigest: string;
}

/** One image in one version: pushed from the content cache, or built, pushed and kept. */
async function ensureOne(
  context: EnsureContext,
  image: SlipwayImage,
  version: string,
  buildctl: string,
  buildkitOnce: () => Promise<StartedBuildkit>,
): Promise<EnsuredImage> {
  const { repoRoot, settings, registryHost, log } = context.options;
  const registryUrl = `http://${registryHost}`;
  const started = Date.now();
  const dockerfile = await readFile(join(repoRoot, image.dockerfileDir, "Dockerfile"), "utf8");
  const key = imageCacheKey({
    image,
    sourcesDigest: await digestRepositoryFiles(repoRoot, imageInputs(image)),
    baseManifestDigest: context.baseManifestDigest,
    buildctlDigest: context.buildctlDigest,
    dockerfile,
    version,
  });
  const tag = key.slice(image.name.length + 1);
  const repository = `slipway/${image.name}`;
  const ref = `${registryHost}/${repository}:${tag}`;
  const dir = join(settings.cacheDir, "slipway-images", key);
  let oci = await loadCachedImage(dir);
  const cached = oci !== undefined;
  if (oci) {
    await pushImage(registryUrl, ref, oci);
  } else {
    log(`building ${image.name} ${version} (inputs changed or first build; kept in ${dir})`);
    const { daemon, workDir } = await buildkitOnce();
    const built = await buildSlipwayImage(
      {
        buildctl,
        addr: daemon.addr,
        repoRoot,
        image,
        registryHost,
        base: NODE_SLIM.image,
        tag,
        version,
        extraCaFile: process.env.NODE_EXTRA_CA_CERTS,
        localContexts: { buildctl: dirname(buildctl) },
      },
      workDir,
    );
    oci = await pullRegistryImage(registryUrl, repository, built.digest);
    await saveCachedImage(dir, oci);
  }
  const seconds = (Date.now() - started) / 1000;
  log(`${ref} (${version}): ${cached ? "from the cache" : "built"} in ${seconds.toFixed(1)} s`);
  return { name: image.name, version, ref, repository, tag, oci, cached, seconds };
}
