/**
 * Slipway's images kept by content: the key of an image is a digest of every file its
 * Dockerfile reads (the workspaces' sources and package files, the lockfile, the image
 * scripts, the Dockerfile), of the base image and of buildctl. An image whose key is in
 * ~/.cache/slipway/slipway-images is pushed from there in seconds; any other is built with the
 * project's BuildKit (minutes) and kept. Nothing here knows which registry it goes to.
 */
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { join, relative } from "node:path";
import type { Blob, OciImage } from "./oci-image.js";
import type { SlipwayImage } from "./slipway-images.js";

/** Bump when what goes into a key changes. */
const KEY_VERSION = 2;

/** Files every Slipway Dockerfile COPYs (package files and the image scripts). */
export const COMMON_IMAGE_INPUTS = [
  "package.json",
  "package-lock.json",
  "tsconfig.base.json",
  "scripts/images",
  ...[
    "shared",
    "keys",
    "request-logs",
    "builder",
    "control-plane",
    "operator",
    "sentinel",
    "cli",
    "testbed",
  ].map((w) => `${w}/package.json`),
] as const;

/** What one image is made of from the repository: the common files and its own sources. */
export const imageInputs = (image: SlipwayImage) => [...COMMON_IMAGE_INPUTS, ...image.sources];

/** Every file under the inputs, as repository-relative paths, sorted. */
async function listInputFiles(repoRoot: string, inputs: readonly string[]): Promise<string[]> {
  const files: string[] = [];
  const walk = async (path: string): Promise<void> => {
    const info = await stat(path).catch(() => undefined);
    if (!info) return;
    if (info.isFile()) {
      files.push(relative(repoRoot, path));
      return;
    }
    if (!info.isDirectory()) return;
    for (const name of await readdir(path)) await walk(join(path, name));
  };
  for (const input of inputs) await walk(join(repoRoot, input));
  return files.sort();
}

/** Digest of the files' names and contents (a rename or an added file changes it). */
export async function digestRepositoryFiles(
  repoRoot: string,
  inputs: readonly string[],
): Promise<string> {
  const hash = createHash("sha256");
  for (const file of await listInputFiles(repoRoot, inputs)) {
    hash.update(`${file}\0`);
    hash.update(await readFile(join(repoRoot, file)));
    hash.update("\0");
  }
  return hash.digest("hex");
}

/** Pure: the cache key of one image from the digests of what it is made of. */
export function imageCacheKey(input: {
  image: SlipwayImage;
  sourcesDigest: string;
  baseManifestDigest: string;
  buildctlDigest: string;
  dockerfile: string;
  /** The SLIPWAY_VERSION build argument: the same sources as another version are another image. */
  version: string;
}): string {
  const digest = createHash("sha256")
    .update(
      JSON.stringify({
        KEY_VERSION,
        name: input.image.name,
        sources: input.sourcesDigest,
        base: input.baseManifestDigest,
        buildctl: input.image.contexts?.includes("buildctl") ? input.buildctlDigest : "",
        dockerfile: createHash("sha256").update(input.dockerfile).digest("hex"),
        version: input.version,
      }),
    )
    .digest("hex");
  return `${input.image.name}-${digest.slice(0, 16)}`;
}

export async function fileDigest(path: string): Promise<string> {
  return createHash("sha256")
    .update(await readFile(path))
    .digest("hex");
}

interface SavedBlob {
  file: string;
  mediaType: string;
}

interface SavedImage {
  layers: SavedBlob[];
  config: SavedBlob;
  manifest: SavedBlob;
}

const fileOf = (b: Blob) => b.digest.replace("sha256:", "");

/** Writes the image's blobs and an index; the directory counts only once `complete` exists. */
export async function saveCachedImage(dir: string, image: OciImage): Promise<void> {
  const tmp = `${dir}.tmp-${process.pid}`;
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  for (const b of [...image.layers, image.config, image.manifest]) {
    await writeFile(join(tmp, fileOf(b)), b.bytes);
  }
  const saved = (b: Blob): SavedBlob => ({ file: fileOf(b), mediaType: b.mediaType });
  const index: SavedImage = {
    layers: image.layers.map(saved),
    config: saved(image.config),
    manifest: saved(image.manifest),
  };
  await writeFile(join(tmp, "image.json"), JSON.stringify(index));
  await writeFile(join(tmp, "complete"), "");
  await rm(dir, { recursive: true, force: true });
  await rename(tmp, dir);
}

export async function loadCachedImage(dir: string): Promise<OciImage | undefined> {
  if (!existsSync(join(dir, "complete"))) return undefined;
  const index = JSON.parse(await readFile(join(dir, "image.json"), "utf8")) as SavedImage;
  const load = async (saved: SavedBlob): Promise<Blob> => {
    const bytes = await readFile(join(dir, saved.file));
    return {
      mediaType: saved.mediaType,
      digest: `sha256:${saved.file}`,
      size: bytes.length,
      bytes,
    };
  };
  return {
    layers: await Promise.all(index.layers.map(load)),
    config: await load(index.config),
    manifest: await load(index.manifest),
  };
}

const MANIFEST_TYPES = [
  "application/vnd.oci.image.manifest.v1+json",
  "application/vnd.docker.distribution.manifest.v2+json",
];

/** Reads `repository@digest` back from a plain-HTTP registry, blobs and all, byte for byte. */
export async function pullRegistryImage(
  registryUrl: string,
  repository: string,
  digest: string,
): Promise<OciImage> {
  const get = async (path: string, accept?: string) => {
    const res = await fetch(`${registryUrl}/v2/${repository}/${path}`, {
      headers: accept ? { accept } : {},
    });
    if (!res.ok) throw new Error(`GET ${repository}/${path} -> HTTP ${res.status}`);
    return { bytes: Buffer.from(await res.arrayBuffer()), type: res.headers.get("content-type") };
  };
  const manifest = await get(`manifests/${digest}`, MANIFEST_TYPES.join(", "));
  const parsed = JSON.parse(manifest.bytes.toString("utf8")) as {
    mediaType?: string;
    config: { digest: string; mediaType: string };
    layers: { digest: string; mediaType: string }[];
  };
  const blob = async (d: { digest: string; mediaType: string }): Promise<Blob> => {
    const { bytes } = await get(`blobs/${d.digest}`);
    return { mediaType: d.mediaType, digest: d.digest, size: bytes.length, bytes };
  };
  return {
    layers: await Promise.all(parsed.layers.map(blob)),
    config: await blob(parsed.config),
    manifest: {
      mediaType: parsed.mediaType ?? manifest.type ?? MANIFEST_TYPES[0]!,
      digest,
      size: manifest.bytes.length,
      bytes: manifest.bytes,
    },
  };
}
