import { open } from "node:fs/promises";

/** The last `lines` lines of a log file (reads at most the final 64 KiB), for error messages. */
export async function readLogTail(path: string, lines = 30): Promise<string> {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(path, "r");
    const { size } = await handle.stat();
    const length = Math.min(size, 64 * 1024);
    const buffer = Buffer.alloc(length);
    await handle.read(buffer, 0, length, size - length);
    return buffer.toString("utf8").replace(/\s+$/, "").split("\n").slice(-lines).join("\n");
  } catch {
    return `(no log at ${path})`;
  } finally {
    await handle?.close();
  }
}
