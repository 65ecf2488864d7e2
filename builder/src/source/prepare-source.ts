import { createWriteStream } from "node:fs";
import { mkdir, mkdtemp, readdir, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { BuildError, type BuildSource } from "@slipway/shared";
import { type ExtractLimits, extractTarball } from "./extract-tarball.js";

const DEFAULT_MAX_DOWNLOAD_BYTES = 2 * 1024 ** 3;

export interface PreparedSource {
  /** The repository root on disk. */
  root: string;
  /** Removes what preparing created (never a caller's directory). */
  dispose(): Promise<void>;
}

/**
 * Puts the source on disk. A tarball URL is downloaded with the caller's authorization header
 * (an installation token) by this process: the header is never handed to BuildKit, written
 * to disk or put in an error message.
 */
export async function prepareSource(
  source: BuildSource,
  options: {
    fetch: typeof globalThis.fetch;
    signal: AbortSignal;
    workDir?: string | undefined;
    /** Largest tarball downloaded (default 2 GiB), so a runaway source cannot fill the disk. */
    maxDownloadBytes?: number | undefined;
    /** What a tarball may unpack to (DEFAULT_EXTRACT_LIMITS). */
    limits?: Partial<ExtractLimits> | undefined;
  },
): Promise<PreparedSource> {
  if (source.kind === "directory") {
    const info = await stat(source.path).catch(() => undefined);
    if (!info?.isDirectory()) {
      throw new BuildError(
        "source_unavailable",
        `The source directory ${source.path} does not exist.`,
      );
    }
    return { root: source.path, dispose: async () => undefined };
  }
  const workDir = await mkdtemp(join(options.workDir ?? tmpdir(), "slipway-source-"));
  const dispose = () => rm(workDir, { recursive: true, force: true });
  try {
    let archive: string;
    if ("url" in source) {
      archive = join(workDir, "source.tar.gz");
      await download(source.url, source.authorization, archive, options);
    } else {
      archive = source.path;
    }
    const root = join(workDir, "src");
    await mkdir(root, { mode: 0o700 });
    await extractTarball(archive, root, { signal: options.signal, limits: options.limits });
    if ("url" in source) await rm(archive, { force: true });
    return { root: await singleTopDirectory(root), dispose };
  } catch (error) {
    await dispose();
    throw error;
  }
}

/** GitHub's tarballs wrap the repository in one `owner-repo-sha/` directory. */
async function singleTopDirectory(root: string): Promise<string> {
  const entries = await readdir(root, { withFileTypes: true });
  const only = entries[0];
  return entries.length === 1 && only?.isDirectory() ? join(root, only.name) : root;
}

async function download(
  url: string,
  authorization: string | undefined,
  file: string,
  options: {
    fetch: typeof globalThis.fetch;
    signal: AbortSignal;
    maxDownloadBytes?: number | undefined;
  },
): Promise<void> {
  const where = safeUrl(url);
  let response: Response;
  try {
    response = await options.fetch(url, {
      headers: authorization ? { authorization } : {},
      redirect: "follow",
      signal: options.signal,
    });
  } catch (error) {
    if (options.signal.aborted) throw error;
    throw new BuildError(
      "source_unavailable",
      `Downloading the source from ${where} failed: ${(error as Error).message}`,
    );
  }
  if (!response.ok || !response.body) {
    throw new BuildError(
      "source_unavailable",
      `Downloading the source from ${where} failed with HTTP ${response.status}.`,
      {
        hint:
          response.status === 401 || response.status === 403 || response.status === 404
            ? "Check that the GitHub App still has access to the repository."
            : "Try again; the source host may be unavailable.",
      },
    );
  }
  const limit = options.maxDownloadBytes ?? DEFAULT_MAX_DOWNLOAD_BYTES;
  let received = 0;
  const bounded = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      received += chunk.length;
      if (received > limit) {
        callback(
          new BuildError(
            "source_unavailable",
            `The source tarball from ${where} is larger than ${limit} bytes.`,
            {
              hint: "Exclude large files from the repository (build artefacts, datasets) or use Git LFS.",
            },
          ),
        );
      } else callback(null, chunk);
    },
  });
  await pipeline(
    Readable.fromWeb(response.body as import("node:stream/web").ReadableStream),
    bounded,
    createWriteStream(file, { mode: 0o600 }),
  );
}

/** The URL without credentials or query (a signed URL's query is a credential too). */
export function safeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  } catch {
    return "(invalid URL)";
  }
}
