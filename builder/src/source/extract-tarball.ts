import { createReadStream } from "node:fs";
import { copyFile, lstat, mkdir, open, realpath, stat, symlink, unlink } from "node:fs/promises";
import { join, posix } from "node:path";
import { type Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";
import { BuildError } from "@slipway/shared";
import { extract } from "tar-stream";

/** What one source tarball may unpack to; checked as the entries stream, before they are written. */
export interface ExtractLimits {
  /** Sum of the files' sizes. */
  maxBytes: number;
  /** Files, folders and links. */
  maxEntries: number;
  /** Bytes of one entry's path (each component at most 255, as on Linux). */
  maxPathBytes: number;
}

export const DEFAULT_EXTRACT_LIMITS: ExtractLimits = {
  maxBytes: 1024 ** 3,
  maxEntries: 100_000,
  maxPathBytes: 1024,
};

const refuse = (message: string, hint?: string) =>
  new BuildError("invalid_request", `The source tarball ${message}`, hint ? { hint } : {});

/**
 * Unpacks a .tar.gz or a plain .tar (told apart by the gzip magic bytes) into `root`, an empty
 * directory, with a streaming parser (tar-stream) in this process, never a `tar` binary. Only
 * regular files, folders and symbolic links that stay inside the tree are created, as the
 * builder's user with modes 0644/0755 (the owner, set-uid bits and devices of the archive are
 * ignored or refused); hard links become copies. The limits are checked from each entry's
 * header before its data is read, so a gzip bomb is refused after a few bytes; the decompressed
 * stream itself is capped too (padding, headers, trailing garbage).
 */
export async function extractTarball(
  archive: string,
  root: string,
  options: { signal: AbortSignal; limits?: Partial<ExtractLimits> | undefined },
): Promise<void> {
  const limits = { ...DEFAULT_EXTRACT_LIMITS, ...options.limits };
  const gzipped = await startsWithGzipMagic(archive);
  // Headers and padding take at most ~2 KiB per entry beyond the files' bytes.
  const streamCap = limits.maxBytes + limits.maxEntries * 2048 + 1024 ** 2;
  let streamed = 0;
  const capped = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      streamed += chunk.length;
      if (streamed > streamCap) {
        callback(refuse(`unpacks to more than ${streamCap} bytes.`, sizeHint(limits)));
      } else callback(null, chunk);
    },
  });
  const parser = extract();
  const stages: Array<NodeJS.ReadableStream | NodeJS.WritableStream> = [
    createReadStream(archive),
    ...(gzipped ? [createGunzip()] : []),
    capped,
    parser as unknown as NodeJS.WritableStream,
  ];
  let feedError: unknown;
  const feeding = pipeline(stages, { signal: options.signal }).catch((error: unknown) => {
    feedError = error;
  });
  const state: State = {
    root,
    limits,
    bytes: 0,
    entries: 0,
    symlinks: new Set(),
    files: new Set(),
  };
  try {
    for await (const entry of parser) {
      await unpackEntry(state, entry as unknown as Entry);
    }
  } catch (error) {
    (parser as unknown as { destroy(error?: Error): void }).destroy();
    await feeding;
    throw asBuildError(error instanceof BuildError ? error : (feedError ?? error));
  }
  await feeding;
  if (feedError) throw asBuildError(feedError);
  await checkSymlinksStayInside(state);
}

interface Entry extends Readable {
  header: {
    name: string;
    size: number;
    mode: number;
    type: string | null;
    linkname: string | null;
  };
}

interface State {
  root: string;
  limits: ExtractLimits;
  bytes: number;
  entries: number;
  /** Symbolic links created, by relative path: nothing is written through them. */
  symlinks: Set<string>;
  /** Regular files created, by relative path: the only targets a hard link may copy. */
  files: Set<string>;
}

async function unpackEntry(state: State, entry: Entry): Promise<void> {
  const { header } = entry;
  const name = entryPath(state, header.name);
  if (name === undefined) {
    entry.resume();
    return;
  }
  state.entries += 1;
  if (state.entries > state.limits.maxEntries) {
    throw refuse(
      `has more than ${state.limits.maxEntries} entries.`,
      "Exclude generated folders (node_modules, build output) from the upload.",
    );
  }
  const target = join(state.root, name);
  switch (header.type) {
    case "file":
    case "contiguous-file": {
      countBytes(state, header.size, name);
      await prepareParent(state, name);
      await removeExisting(target);
      state.symlinks.delete(name);
      const handle = await open(target, "wx", header.mode & 0o111 ? 0o755 : 0o644);
      await pipeline(entry, handle.createWriteStream());
      state.files.add(name);
      return;
    }
    case "directory": {
      entry.resume();
      await prepareParent(state, name);
      const existing = await lstat(target).catch(() => undefined);
      if (existing && !existing.isDirectory()) await unlink(target);
      state.symlinks.delete(name);
      await mkdir(target, { recursive: true, mode: 0o755 });
      return;
    }
    case "symlink": {
      entry.resume();
      const link = header.linkname ?? "";
      const resolved = posix.normalize(posix.join(posix.dirname(name), link));
      if (link === "" || link.startsWith("/") || resolved === ".." || resolved.startsWith("../")) {
        throw refuse(
          `has a symbolic link "${name}" -> "${link}" that points outside the source tree.`,
          "Only links to files and folders inside the repository are allowed.",
        );
      }
      await prepareParent(state, name);
      await removeExisting(target);
      await symlink(link, target);
      state.symlinks.add(name);
      return;
    }
    case "link": {
      entry.resume();
      const source = entryPath(state, header.linkname ?? "");
      if (source === undefined || !state.files.has(source)) {
        throw refuse(
          `has a hard link "${name}" to "${header.linkname}", which is not a file in it.`,
        );
      }
      countBytes(state, (await stat(join(state.root, source))).size, name);
      await prepareParent(state, name);
      await removeExisting(target);
      state.symlinks.delete(name);
      await copyFile(join(state.root, source), target);
      state.files.add(name);
      return;
    }
    default:
      entry.resume();
      throw refuse(
        `has "${name}", a ${header.type ?? "special file"}: only files, folders and symbolic links are allowed.`,
        "Devices and FIFOs cannot be part of a build's source.",
      );
  }
}

/** The entry's path relative to the root, normalised; undefined for the root itself. */
function entryPath(state: State, raw: string): string | undefined {
  const name = posix.normalize(raw.replace(/^(\.\/)+/, "")).replace(/\/+$/, "");
  if (name === "." || name === "") return undefined;
  if (raw.startsWith("/") || name === ".." || name.startsWith("../") || raw.includes("\0")) {
    throw refuse(`has an entry "${raw}" outside the source tree (absolute or with "..").`);
  }
  if (
    Buffer.byteLength(name) > state.limits.maxPathBytes ||
    name.split("/").some((part) => Buffer.byteLength(part) > 255)
  ) {
    throw refuse(
      `has a path longer than ${state.limits.maxPathBytes} bytes (or a name over 255): "${name.slice(0, 80)}…".`,
    );
  }
  return name;
}

function countBytes(state: State, size: number, name: string): void {
  state.bytes += size;
  if (!Number.isSafeInteger(size) || size < 0 || state.bytes > state.limits.maxBytes) {
    throw refuse(
      `unpacks to more than ${state.limits.maxBytes} bytes (at "${name}").`,
      sizeHint(state.limits),
    );
  }
}

const sizeHint = (limits: ExtractLimits) =>
  `Sources are limited to ${Math.round(limits.maxBytes / 1024 ** 2)} MiB unpacked; exclude build output, datasets and dependencies.`;

/** Creates the entry's parent folders; refuses to write through a symbolic link of the archive. */
async function prepareParent(state: State, name: string): Promise<void> {
  const parts = name.split("/");
  for (let depth = 1; depth < parts.length; depth += 1) {
    if (state.symlinks.has(parts.slice(0, depth).join("/"))) {
      throw refuse(
        `writes "${name}" through the symbolic link "${parts.slice(0, depth).join("/")}".`,
      );
    }
  }
  if (parts.length > 1) {
    await mkdir(join(state.root, ...parts.slice(0, -1)), { recursive: true, mode: 0o755 });
  }
}

/** A later entry replaces an earlier file or link of the same name, as tar does. */
async function removeExisting(target: string): Promise<void> {
  const existing = await lstat(target).catch(() => undefined);
  if (!existing) return;
  if (existing.isDirectory()) {
    throw refuse(`has a file where it already has a folder (${target}).`);
  }
  await unlink(target);
}

/** Each link was inside the tree by its text; chains of links must resolve inside too. */
async function checkSymlinksStayInside(state: State): Promise<void> {
  const realRoot = await realpath(state.root);
  for (const name of state.symlinks) {
    const resolved = await realpath(join(state.root, name)).catch(() => undefined);
    if (resolved !== undefined && resolved !== realRoot && !resolved.startsWith(`${realRoot}/`)) {
      throw refuse(`has a symbolic link "${name}" that resolves outside the source tree.`);
    }
  }
}

async function startsWithGzipMagic(file: string): Promise<boolean> {
  const handle = await open(file, "r");
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(2), 0, 2, 0);
    return bytesRead === 2 && buffer[0] === 0x1f && buffer[1] === 0x8b;
  } finally {
    await handle.close();
  }
}

function asBuildError(error: unknown): BuildError {
  if (error instanceof BuildError) return error;
  if ((error as { name?: string }).name === "AbortError") throw error;
  return new BuildError(
    "invalid_request",
    "The source could not be unpacked: it is not a valid .tar.gz or .tar archive.",
    { raw: (error as Error).message ?? String(error) },
  );
}
