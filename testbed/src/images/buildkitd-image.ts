/**
 * The buildkitd image of the chart's builder (charts/slipway/templates/buildkitd.yaml), made on
 * this machine as the bundled stores' images are: Debian bookworm by debootstrap with `runc`
 * (the OCI worker's runtime) and CA certificates (pushes to TLS registries) as one layer, the
 * project's pinned buildkitd and buildctl (~/.cache/slipway/buildkit-<version>, the same
 * buildctl the control-plane image holds) as a second. There is no Docker Hub here to pull
 * moby/buildkit from. Kept by what it is made of under ~/.cache/slipway/buildkitd-images.
 */
import { createHash } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEBIAN_SUITE, debootstrap, trimRootfs } from "./debian-rootfs.js";
import { type ImageConfigSpec, makeOciImageFromTars, makeTar, type OciImage } from "./oci-image.js";
import { tarDirectory } from "./rootfs-tar.js";
import { loadCachedImage, saveCachedImage } from "./slipway-image-cache.js";

/** Bump when the recipe below changes, so cached images are rebuilt. */
const RECIPE_VERSION = 1;

/** The repository under `<registry>/slipway/` (the chart's buildkit.image.repository). */
export const BUILDKITD_IMAGE_NAME = "slipway-buildkitd";
const PACKAGES = ["runc", "ca-certificates"];

/**
 * As BuildKit's own image: buildkitd is the entrypoint (the chart passes `--config`), as root;
 * the chart runs it privileged, BuildKit's documented mode for the runc worker.
 */
export const BUILDKITD_IMAGE_CONFIG: ImageConfigSpec = {
  entrypoint: ["buildkitd"],
  env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
  workingDir: "/",
};

export interface BuildkitdImageOptions {
  /** The pinned buildkitd and buildctl (BuilderSettings.binDir after ensureBuildkit). */
  buildkitd: string;
  buildctl: string;
  cacheDir: string;
  log: (line: string) => void;
}

export interface BuildkitdImage {
  /** The content key, also a tag the image is pushed under. */
  tag: string;
  oci: OciImage;
  cached: boolean;
  seconds: number;
}

/** Pure: the key of the recipe and the two binaries' digests. */
export function buildkitdImageKey(binaryDigests: { buildkitd: string; buildctl: string }) {
  const inputs = {
    RECIPE_VERSION,
    suite: DEBIAN_SUITE,
    packages: PACKAGES,
    config: BUILDKITD_IMAGE_CONFIG,
    binaryDigests,
  };
  return createHash("sha256").update(JSON.stringify(inputs)).digest("hex").slice(0, 16);
}

/** The image from the cache, or built (debootstrap: a minute or two) and cached. */
export async function loadOrBuildBuildkitdImage(
  options: BuildkitdImageOptions,
): Promise<BuildkitdImage> {
  const started = Date.now();
  const [buildkitd, buildctl] = await Promise.all([
    readFile(options.buildkitd),
    readFile(options.buildctl),
  ]);
  const digest = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");
  const tag = buildkitdImageKey({ buildkitd: digest(buildkitd), buildctl: digest(buildctl) });
  const dir = join(options.cacheDir, "buildkitd-images", `${BUILDKITD_IMAGE_NAME}-${tag}`);
  const cachedImage = await loadCachedImage(dir);
  const seconds = () => (Date.now() - started) / 1000;
  if (cachedImage) return { tag, oci: cachedImage, cached: true, seconds: seconds() };
  options.log(`building ${BUILDKITD_IMAGE_NAME} from Debian ${DEBIAN_SUITE} (cached in ${dir})`);
  const oci = await buildImage(buildkitd, buildctl);
  await saveCachedImage(dir, oci);
  return { tag, oci, cached: false, seconds: seconds() };
}

async function buildImage(buildkitd: Buffer, buildctl: Buffer): Promise<OciImage> {
  const work = await mkdtemp(join(tmpdir(), "slipway-buildkitd-image-"));
  const rootfs = join(work, "rootfs");
  try {
    await debootstrap(rootfs, PACKAGES);
    await trimRootfs(rootfs, true);
    const debian = await tarDirectory(rootfs, join(work, "rootfs.tar"));
    const binaries = makeTar([
      { type: "dir", path: "usr" },
      { type: "dir", path: "usr/local" },
      { type: "dir", path: "usr/local/bin" },
      { type: "file", path: "usr/local/bin/buildkitd", content: buildkitd, mode: 0o755 },
      { type: "file", path: "usr/local/bin/buildctl", content: buildctl, mode: 0o755 },
    ]);
    return makeOciImageFromTars([debian, binaries], BUILDKITD_IMAGE_CONFIG);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
