import { constants } from "node:fs";
import { open } from "node:fs/promises";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { createGzip } from "node:zlib";
import { pack as createPack, type Pack } from "tar-stream";
import { CliError, exitCodes } from "../cli-error.js";
import { formatBytes } from "../output/units.js";
import type { SourceEntry } from "./collect-source.js";

/** The API's default `SLIPWAY_SOURCE_UPLOAD_LIMIT`: the largest compressed upload it takes. */
export const defaultMaxArchiveBytes = 100 * 1024 * 1024;

// Every entry gets the same time and owner, so the same tree always makes the same tarball.
const fixedMtime = new Date(0);

/**
 * A gzip-compressed POSIX tar (the format `deployments.createDeploymentFromSource` takes) of
 * `entries` under `root`, held in memory and stopped as soon as it would pass `maxBytes`.
 */
export async function packSource(
  root: string,
  entries: readonly SourceEntry[],
  maxBytes: number = defaultMaxArchiveBytes,
): Promise<Buffer> {
  const tar = createPack();
  const gzip = createGzip({ level: 6 });
  const chunks: Buffer[] = [];
  let size = 0;
  const tooLarge = new CliError(
    exitCodes.usage,
    `The source is larger than ${formatBytes(maxBytes)} compressed, more than the API takes (--max-size); leave out what the build does not need with .dockerignore.`,
  );
  const collect = async (compressed: AsyncIterable<Buffer>) => {
    for await (const chunk of compressed) {
      size += chunk.length;
      if (size > maxBytes) throw tooLarge;
      chunks.push(chunk);
    }
  };
  try {
    await Promise.all([pipeline(tar, gzip, collect), writeEntries(tar, root, entries)]);
  } catch (error) {
    // Stopping the pipeline also fails the entry being written; the size is the real reason.
    throw size > maxBytes ? tooLarge : error;
  }
  return Buffer.concat(chunks, size);
}

async function writeEntries(tar: Pack, root: string, entries: readonly SourceEntry[]) {
  try {
    for (const entry of entries) {
      const common = { name: entry.path, mtime: fixedMtime, uid: 0, gid: 0 };
      if (entry.kind === "directory") {
        tar.entry({ ...common, type: "directory", mode: entry.mode });
      } else if (entry.kind === "symlink") {
        tar.entry({ ...common, type: "symlink", linkname: entry.target, mode: 0o777 });
      } else {
        await writeFile(tar, join(root, entry.path), {
          ...common,
          mode: entry.mode,
          size: entry.size,
        });
      }
    }
    tar.finalize();
  } catch (error) {
    tar.destroy(error as Error);
    throw error;
  }
}

async function writeFile(
  tar: Pack,
  absolute: string,
  header: { name: string; mtime: Date; uid: number; gid: number; mode: number; size: number },
) {
  const stream = tar.entry({ ...header, type: "file" });
  try {
    // A file swapped for a link since the tree was walked is not followed out of the tree.
    const file = await open(absolute, constants.O_RDONLY | constants.O_NOFOLLOW);
    await pipeline(file.createReadStream(), stream);
  } catch (error) {
    throw new CliError(
      exitCodes.unexpected,
      `Could not pack ${header.name} (did it change while packing?): ${(error as Error).message}`,
    );
  }
}
