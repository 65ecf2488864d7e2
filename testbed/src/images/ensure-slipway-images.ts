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
import { buildSlipwayImage, SLIPWAY_IMAGES } from "./slipway-images.js";

export interface EnsureImagesOptions {
  repoRoot: string;
  settings: Pick<BuilderSettings, "cacheDir" | "binDir">;
  /** host:port of a plain-HTTP registry, also the host part of every image reference. */
  registryHost: string;
  log: (line: string) => void;
}

export interface EnsuredImage {
  name: string;
  /** `<registryHost>/slipway/<name>:<tag>`; the tag is the content key. */
  ref: string;
  repository: string;
  tag: string;
  oci: OciImage;
  /** Taken from the cache (no build). */
  cached: boolean;
  seconds: number;
}

export async function ensureSlipwayImages(options: EnsureImagesOptions): Promise<EnsuredImage[]> {
  const { repoRoot, settings, registryHost, log } = options;
  const registryUrl = `http://${registryHost}`;
  const base = await loadOrBuildNodeBase(NODE_SLIM, { cacheDir: settings.cacheDir, log });
  await pushImage(registryUrl, NODE_SLIM.image, base);
  const binaries = await ensureBuildkit(settings, log);
  const buildctlDigest = await fileDigest(binaries.buildctl);
  let buildkit: { daemon: LocalBuildkit; workDir: string } | undefined;
  const startBuildkit = async () => {
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
    for (const image of SLIPWAY_IMAGES) {
      const started = Date.now();
      const dockerfile = await readFile(join(repoRoot, image.dockerfileDir, "Dockerfile"), "utf8");
      const key = imageCacheKey({
        image,
        sourcesDigest: await digestRepositoryFiles(repoRoot, imageInputs(image)),
        baseManifestDigest: base.manifest.digest,
        buildctlDigest,
        dockerfile,
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
        log(`building ${image.name} (inputs changed or first build; kept in ${dir})`);
        const { daemon, workDir } = buildkit ?? (await startBuildkit());
        const built = await buildSlipwayImage(
          {
            buildctl: binaries.buildctl,
            addr: daemon.addr,
            repoRoot,
            image,
            registryHost,
            base: NODE_SLIM.image,
            tag,
            extraCaFile: process.env.NODE_EXTRA_CA_CERTS,
            localContexts: { buildctl: dirname(binaries.buildctl) },
          },
          workDir,
        );
        oci = await pullRegistryImage(registryUrl, repository, built.digest);
        await saveCachedImage(dir, oci);
      }
      const seconds = (Date.now() - started) / 1000;
      log(`${ref}: ${cached ? "from the cache" : "built"} in ${seconds.toFixed(1)} s`);
      results.push({ name: image.name, ref, repository, tag, oci, cached, seconds });
    }
  } finally {
    if (buildkit) {
      await buildkit.daemon.stop();
      await rm(buildkit.workDir, { recursive: true, force: true }).catch(() => undefined);
    }
  }
  return results;
}
