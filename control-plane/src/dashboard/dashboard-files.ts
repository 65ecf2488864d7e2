import { createHash } from "node:crypto";
import { lstat, readdir, readFile } from "node:fs/promises";
import { extname, join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { brotliCompress, constants, gzip } from "node:zlib";
import type { ContentEncoding } from "./content-encoding.js";

/** The dashboard's build in this repository, served when no SLIPWAY_DASHBOARD_DIR is set. */
export const defaultDashboardDir = fileURLToPath(
  new URL("../../../dashboard/dist/", import.meta.url),
);

/** One file of the build, held in memory with its compressed forms, ready to send. */
export interface DashboardFile {
  contentType: string;
  bodies: Map<ContentEncoding, Buffer>;
  etag: string;
  /** Hashed assets never change under their name; everything else is revalidated. */
  immutable: boolean;
}

/** URL path (`/`, `/assets/index-3f2a.js`) → file. */
export type DashboardFiles = Map<string, DashboardFile>;

const contentTypes: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".webp": "image/webp",
  ".avif": "image/avif",
  ".ico": "image/x-icon",
  ".woff": "font/woff",
  ".woff2": "font/woff2",
  ".txt": "text/plain; charset=utf-8",
  ".webmanifest": "application/manifest+json",
  ".wasm": "application/wasm",
};
/** Already compressed: compressing again only costs. */
const incompressible = new Set([
  ".png",
  ".jpg",
  ".jpeg",
  ".gif",
  ".webp",
  ".avif",
  ".woff",
  ".woff2",
]);

const MAX_FILES = 5000;
const MAX_TOTAL_BYTES = 128 * 1024 * 1024;
const MIN_COMPRESS_BYTES = 256;

const gzipAsync = promisify(gzip);
const brotliAsync = promisify(brotliCompress);

async function listFiles(root: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (dir: string) => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      // Symbolic links are not followed: only what the build wrote is served.
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile()) found.push(path);
      if (found.length > MAX_FILES) {
        throw new Error(`the dashboard directory ${root} holds more than ${MAX_FILES} files`);
      }
    }
  };
  await walk(root);
  return found;
}

/** The precompressed sibling (`app.js.br`) the build wrote, else one compressed now. */
async function compressedForms(
  path: string,
  body: Buffer,
  extension: string,
  siblings: Set<string>,
) {
  const bodies = new Map<ContentEncoding, Buffer>([["identity", body]]);
  if (incompressible.has(extension) || body.length < MIN_COMPRESS_BYTES) return bodies;
  const br = siblings.has(`${path}.br`)
    ? await readFile(`${path}.br`)
    : await brotliAsync(body, {
        params: {
          [constants.BROTLI_PARAM_QUALITY]: 11,
          [constants.BROTLI_PARAM_SIZE_HINT]: body.length,
        },
      });
  const gz = siblings.has(`${path}.gz`)
    ? await readFile(`${path}.gz`)
    : await gzipAsync(body, { level: 9 });
  if (br.length < body.length) bodies.set("br", br);
  if (gz.length < body.length) bodies.set("gzip", gz);
  return bodies;
}

/**
 * Reads the dashboard's build once, at start: every file in memory with its brotli and gzip
 * forms (the build's `.br`/`.gz` siblings when present, else compressed here, off the event
 * loop), so serving a file costs no CPU beyond the write. Undefined when the directory has no
 * `index.html` (the dashboard was not built). Bounded in files and bytes.
 */
export async function loadDashboardFiles(root: string): Promise<DashboardFiles | undefined> {
  const stats = await lstat(join(root, "index.html")).catch(() => undefined);
  if (!stats?.isFile()) return undefined;
  const paths = await listFiles(root);
  const siblings = new Set(paths);
  const files: DashboardFiles = new Map();
  let totalBytes = 0;
  for (const path of paths) {
    if (path.endsWith(".br") || path.endsWith(".gz")) continue;
    const body = await readFile(path);
    totalBytes += body.length;
    if (totalBytes > MAX_TOTAL_BYTES) {
      throw new Error(`the dashboard directory ${root} holds more than ${MAX_TOTAL_BYTES} bytes`);
    }
    const extension = extname(path).toLowerCase();
    const urlPath = `/${relative(root, path).split(sep).map(encodeURIComponent).join("/")}`;
    files.set(urlPath, {
      contentType: contentTypes[extension] ?? "application/octet-stream",
      bodies: await compressedForms(path, body, extension, siblings),
      etag: `"${createHash("sha256").update(body).digest("base64url").slice(0, 27)}"`,
      immutable: urlPath.startsWith("/assets/"),
    });
  }
  return files;
}
