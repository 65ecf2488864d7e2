import { constants, existsSync } from "node:fs";
import { mkdtemp, open, rm, unlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Open descriptors holding the build's secrets, handed to buildctl; close after it started. */
export interface SecretDescriptors {
  fds: number[];
  close(): Promise<void>;
}

/** tmpfs: the secrets stay in memory. */
const MEMORY_DIR = "/dev/shm";

/**
 * Writes each secret to a file in a private directory on tmpfs, opens it read-only and unlinks
 * it at once: what remains is a descriptor to an unnamed in-memory file, which buildctl
 * reopens as `/dev/fd/N` (each open starts at offset 0, so BuildKit can read a secret once per
 * `RUN` that mounts it). Without /dev/shm the OS temp dir is used, named for under a millisecond.
 */
export async function openSecretDescriptors(
  contents: readonly string[],
  memoryDir = existsSync(MEMORY_DIR) ? MEMORY_DIR : tmpdir(),
): Promise<SecretDescriptors> {
  const dir = await mkdtemp(join(memoryDir, "slipway-secrets-"));
  const handles: Awaited<ReturnType<typeof open>>[] = [];
  const close = async () => {
    await Promise.all(handles.map((handle) => handle.close().catch(() => undefined)));
  };
  try {
    for (const [index, content] of contents.entries()) {
      const path = join(dir, String(index));
      const writer = await open(
        path,
        constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL,
        0o600,
      );
      try {
        await writer.writeFile(content, "utf8");
      } finally {
        await writer.close();
      }
      handles.push(await open(path, constants.O_RDONLY));
      await unlink(path);
    }
    return { fds: handles.map((handle) => handle.fd), close };
  } catch (error) {
    await close();
    throw error;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
