/**
 * OCI images assembled in memory: a ustar layer, gzip, the image config and the manifest,
 * each with its digest. Pure apart from gzip (deterministic: no mtime, fixed level), so the
 * same files always give the same digests. Debian's umoci writes truncated layers and
 * there is no Docker here, so the testbed's pause and test images are made this way.
 */
import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";

export type LayerEntry =
  | { type: "dir"; path: string; mode?: number }
  | { type: "file"; path: string; content: Buffer; mode?: number }
  | { type: "symlink"; path: string; target: string };

export interface Blob {
  mediaType: string;
  digest: string;
  size: number;
  bytes: Buffer;
}

export interface OciImage {
  layers: Blob[];
  config: Blob;
  manifest: Blob;
}

export interface ImageSpec {
  /** One layer per entry list, applied in order. */
  layers: LayerEntry[][];
  entrypoint?: string[];
  cmd?: string[];
  env?: string[];
  workingDir?: string;
  /** Ports the image documents, e.g. "8080/tcp". */
  exposedPorts?: string[];
  /** The user the image runs as, e.g. "1000:1000" (default root). */
  user?: string;
}

/** What an image runs, apart from its layers. */
export type ImageConfigSpec = Omit<ImageSpec, "layers">;

export const OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
export const OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
export const OCI_LAYER_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";

const BLOCK = 512;
/** ustar keeps names in 100 bytes (plus a 155-byte prefix we do not need for image files). */
const MAX_NAME = 100;
const MAX_ENTRIES = 10_000;

export function sha256(bytes: Buffer): string {
  return `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
}

function octal(value: number, width: number): string {
  // width includes the terminating NUL.
  return `${value.toString(8).padStart(width - 1, "0")}\0`;
}

function header(entry: LayerEntry, size: number): Buffer {
  const relative = entry.path.replace(/^\/+/, "");
  const name = relative + (entry.type === "dir" ? "/" : "");
  if (relative.length === 0 || Buffer.byteLength(name) > MAX_NAME) {
    throw new Error(`layer path must be 1-${MAX_NAME} bytes: "${entry.path}"`);
  }
  const block = Buffer.alloc(BLOCK);
  const defaultMode = entry.type === "dir" ? 0o755 : entry.type === "symlink" ? 0o777 : 0o644;
  const mode = entry.type === "symlink" ? 0o777 : (entry.mode ?? defaultMode);
  block.write(name, 0, "utf8");
  block.write(octal(mode, 8), 100, "ascii");
  block.write(octal(0, 8), 108, "ascii"); // uid
  block.write(octal(0, 8), 116, "ascii"); // gid
  block.write(octal(size, 12), 124, "ascii");
  block.write(octal(0, 12), 136, "ascii"); // mtime: fixed, for reproducible digests
  block.write("        ", 148, "ascii"); // checksum is computed with spaces here
  block.write({ dir: "5", file: "0", symlink: "2" }[entry.type], 156, "ascii");
  if (entry.type === "symlink") {
    if (Buffer.byteLength(entry.target) > MAX_NAME) throw new Error(`link target too long`);
    block.write(entry.target, 157, "utf8");
  }
  block.write("ustar\0", 257, "ascii");
  block.write("00", 263, "ascii");
  block.write("root", 265, "ascii");
  block.write("root", 297, "ascii");
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, "0")}\0 `, 148, "ascii");
  return block;
}

/** A POSIX ustar archive of the entries, in the given order, owned by root, mtime 0. */
export function makeTar(entries: LayerEntry[]): Buffer {
  if (entries.length > MAX_ENTRIES) throw new Error(`more than ${MAX_ENTRIES} layer entries`);
  const parts: Buffer[] = [];
  for (const entry of entries) {
    const content = entry.type === "file" ? entry.content : Buffer.alloc(0);
    parts.push(header(entry, content.length), content);
    const pad = (BLOCK - (content.length % BLOCK)) % BLOCK;
    if (pad > 0) parts.push(Buffer.alloc(pad));
  }
  parts.push(Buffer.alloc(BLOCK * 2));
  return Buffer.concat(parts);
}

function blob(mediaType: string, bytes: Buffer): Blob {
  return { mediaType, digest: sha256(bytes), size: bytes.length, bytes };
}

function json(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value));
}

/** Layers, config and manifest of a linux/amd64 image. */
export function makeOciImage(spec: ImageSpec): OciImage {
  return makeOciImageFromTars(spec.layers.map(makeTar), spec);
}

/**
 * The same from layer tarballs made elsewhere (e.g. GNU tar of a root filesystem): each is
 * gzipped deterministically; its diff_id is the digest of the uncompressed tar.
 */
export function makeOciImageFromTars(tars: Buffer[], spec: ImageConfigSpec): OciImage {
  const layers = tars.map((tar) => blob(OCI_LAYER_GZIP, gzipSync(tar, { level: 9 })));
  const config = blob(
    OCI_CONFIG,
    json({
      architecture: "amd64",
      os: "linux",
      config: {
        ...(spec.user ? { User: spec.user } : {}),
        ...(spec.entrypoint ? { Entrypoint: spec.entrypoint } : {}),
        ...(spec.cmd ? { Cmd: spec.cmd } : {}),
        Env: spec.env ?? ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
        WorkingDir: spec.workingDir ?? "/",
        ...(spec.exposedPorts
          ? { ExposedPorts: Object.fromEntries(spec.exposedPorts.map((p) => [p, {}])) }
          : {}),
      },
      rootfs: { type: "layers", diff_ids: tars.map(sha256) },
    }),
  );
  const descriptor = (b: Blob) => ({ mediaType: b.mediaType, digest: b.digest, size: b.size });
  const manifest = blob(
    OCI_MANIFEST,
    json({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: descriptor(config),
      layers: layers.map(descriptor),
    }),
  );
  return { layers, config, manifest };
}
