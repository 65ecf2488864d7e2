/**
 * Slipway's own images: which Dockerfile makes which image, and how one is built with the
 * project's BuildKit. `FROM node:20-slim` stays an ordinary line: buildctl maps that name to
 * the base image in the local registry (a named build context), so the same Dockerfile builds
 * on the slim base or, for the size peer, on the full `node:20` base.
 */
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { parseImageRef } from "./push-image.js";

const run = promisify(execFile);

export interface SlipwayImage {
  /** Short name, also the repository under slipway/ in the registry. */
  name: string;
  /** Folder of the Dockerfile, relative to the repository root (the build context). */
  dockerfileDir: string;
  /** Folders of the repository its Dockerfile copies besides the package files (cache key). */
  sources: string[];
  /** Named build contexts the Dockerfile copies from (`COPY --from=<name>`), beyond the repo. */
  contexts?: "buildctl"[];
}

export const SLIPWAY_IMAGES: SlipwayImage[] = [
  {
    name: "sentinel",
    dockerfileDir: "sentinel",
    sources: ["shared/src", "keys/src", "request-logs/src", "sentinel/src"],
  },
  { name: "operator", dockerfileDir: "operator", sources: ["shared/src", "operator/src"] },
  // The API, the workers and the builder workers share one image (different commands).
  {
    name: "control-plane",
    dockerfileDir: "control-plane",
    sources: [
      ...["shared/src", "keys/src", "request-logs/src", "builder/src", "control-plane/src"],
      "control-plane/drizzle",
    ],
    contexts: ["buildctl"],
  },
];

/** The base name every Slipway Dockerfile starts FROM. */
export const DOCKERFILE_BASE = "node:20-slim";

export interface ImageBuildRequest {
  buildctl: string;
  addr: string;
  repoRoot: string;
  image: SlipwayImage;
  /** Plain-HTTP registry host:port the result is pushed to and the base is read from. */
  registryHost: string;
  /** Docker Hub name of the base in that registry, e.g. docker.io/library/node:20-slim. */
  base: string;
  tag: string;
  /** What the image reports as its release (the Dockerfiles' SLIPWAY_VERSION build argument). */
  version: string;
  /** A CA bundle the build's npm trusts (a TLS-intercepting proxy), as the `extra-ca` secret. */
  extraCaFile?: string | undefined;
  /** Directory of each named context, e.g. buildctl: the folder holding the buildctl binary. */
  localContexts?: Partial<Record<"buildctl", string>>;
}

export interface BuiltImage {
  ref: string;
  digest: string;
  seconds: number;
}

/** argv of `buildctl build` for one image; pure. */
export function makeImageBuildArgs(request: ImageBuildRequest, metadataFile: string): string[] {
  const base = parseImageRef(request.base);
  const baseRef = `${request.registryHost}/${base.repository}:${base.tag}`;
  const ref = imageRef(request);
  const contexts = (request.image.contexts ?? []).flatMap((name) => {
    const dir = request.localContexts?.[name];
    if (!dir) throw new Error(`${request.image.name}'s Dockerfile needs the ${name} context`);
    return ["--local", `${name}=${dir}`, "--opt", `context:${name}=local:${name}`];
  });
  return [
    ...["--addr", request.addr, "build", "--progress", "plain"],
    ...["--frontend", "dockerfile.v0"],
    ...["--local", `context=${request.repoRoot}`],
    ...["--local", `dockerfile=${request.repoRoot}/${request.image.dockerfileDir}`],
    ...["--opt", `context:${DOCKERFILE_BASE}=docker-image://${baseRef}`],
    ...contexts,
    ...["--opt", `build-arg:SLIPWAY_VERSION=${request.version}`],
    ...["--output", `type=image,name=${ref},push=true`],
    ...["--metadata-file", metadataFile],
    ...(request.extraCaFile ? ["--secret", `id=extra-ca,src=${request.extraCaFile}`] : []),
  ];
}

export function imageRef(request: Pick<ImageBuildRequest, "registryHost" | "image" | "tag">) {
  return `${request.registryHost}/slipway/${request.image.name}:${request.tag}`;
}

/**
 * Builds and pushes one image; a failure carries the end of BuildKit's plain progress.
 * buildctl's metadata file goes into scratchDir.
 */
export async function buildSlipwayImage(
  request: ImageBuildRequest,
  scratchDir: string,
): Promise<BuiltImage> {
  const started = Date.now();
  const metadataFile = join(scratchDir, `${request.image.name}-${request.tag}.metadata.json`);
  try {
    await run(request.buildctl, makeImageBuildArgs(request, metadataFile), {
      maxBuffer: 256 * 1024 * 1024,
      timeout: 30 * 60_000,
    });
  } catch (error) {
    const stderr = String((error as { stderr?: string }).stderr ?? error);
    throw new Error(`building ${request.image.name} failed:\n${stderr.slice(-6000)}`);
  }
  const metadata = JSON.parse(await readFile(metadataFile, "utf8")) as Record<string, unknown>;
  const digest = metadata["containerimage.digest"];
  if (typeof digest !== "string") throw new Error(`buildctl reported no digest`);
  return { ref: imageRef(request), digest, seconds: (Date.now() - started) / 1000 };
}

interface Descriptor {
  size: number;
  mediaType: string;
  digest: string;
}

export interface ImageManifest {
  config: Descriptor;
  layers: Descriptor[];
}

const MANIFEST_TYPES = [
  "application/vnd.oci.image.manifest.v1+json",
  "application/vnd.docker.distribution.manifest.v2+json",
].join(", ");

/** The manifest of `repository@digest` (or :tag) in a plain-HTTP registry. */
export async function fetchManifest(
  registryUrl: string,
  repository: string,
  reference: string,
): Promise<ImageManifest> {
  const url = `${registryUrl}/v2/${repository}/manifests/${reference}`;
  const res = await fetch(url, { headers: { accept: MANIFEST_TYPES } });
  if (!res.ok) throw new Error(`GET ${url} -> HTTP ${res.status}`);
  return (await res.json()) as ImageManifest;
}

/** Compressed size of an image as pulled: its layers and config. */
export function pulledBytes(manifest: ImageManifest): number {
  return manifest.config.size + manifest.layers.reduce((sum, layer) => sum + layer.size, 0);
}
