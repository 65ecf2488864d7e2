import { constants } from "node:fs";
import { open, realpath } from "node:fs/promises";
import { join } from "node:path";
import { BuildError } from "@slipway/shared";

/** Far above any real Dockerfile; BuildKit would read the whole file into memory. */
export const MAX_DOCKERFILE_BYTES = 1024 ** 2;

/**
 * Reads the Dockerfile at `relativePath` (already validated by safeRelativePath) only if it is
 * a regular file inside the source tree and at most MAX_DOCKERFILE_BYTES: a link to a device
 * (`/dev/zero`), a FIFO (an open that would never return), a folder or a path leading out of
 * the tree is refused with `invalid_request`, which is not retried.
 */
export async function readDockerfile(root: string, relativePath: string): Promise<string> {
  const [realRoot, realFile] = await Promise.all([
    realpath(root),
    realpath(join(root, relativePath)).catch(() => undefined),
  ]);
  if (realFile === undefined) {
    throw new BuildError("dockerfile_not_found", `No Dockerfile at "${relativePath}".`);
  }
  if (!realFile.startsWith(`${realRoot}/`)) {
    throw new BuildError(
      "invalid_request",
      `The dockerfile path "${relativePath}" is a symbolic link that points outside the repository.`,
    );
  }
  // O_NONBLOCK: opening a FIFO returns at once instead of waiting for a writer.
  const handle = await open(
    realFile,
    constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK,
  ).catch((error: Error) => {
    throw new BuildError("invalid_request", `The Dockerfile "${relativePath}" cannot be read.`, {
      raw: error.message,
    });
  });
  try {
    const info = await handle.stat();
    if (!info.isFile()) {
      throw new BuildError(
        "invalid_request",
        `The Dockerfile "${relativePath}" is not a regular file (it is a device, a FIFO, a socket or a folder).`,
        { hint: "Commit the Dockerfile as an ordinary file." },
      );
    }
    if (info.size > MAX_DOCKERFILE_BYTES) {
      throw new BuildError(
        "invalid_request",
        `The Dockerfile "${relativePath}" is larger than ${MAX_DOCKERFILE_BYTES / 1024 ** 2} MiB.`,
      );
    }
    // Read at most one byte past the cap, in case the file grows meanwhile.
    const buffer = Buffer.alloc(info.size + 1);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    if (bytesRead > MAX_DOCKERFILE_BYTES) {
      throw new BuildError(
        "invalid_request",
        `The Dockerfile "${relativePath}" is larger than ${MAX_DOCKERFILE_BYTES / 1024 ** 2} MiB.`,
      );
    }
    return buffer.subarray(0, bytesRead).toString("utf8");
  } finally {
    await handle.close();
  }
}
