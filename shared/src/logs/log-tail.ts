import { open } from "node:fs/promises";

/** Read at most this much of the end of a log: enough for any tail, however large the log. */
const MAX_TAIL_BYTES = 64 * 1024;

/**
 * The last `lines` lines of a log file, for error messages (a daemon or a build that failed
 * says why at the end of its log); "(no log at …)" when there is none.
 */
export async function readLogTail(path: string, lines = 30): Promise<string> {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(path, "r");
    const { size } = await handle.stat();
    const length = Math.min(size, MAX_TAIL_BYTES);
    const buffer = Buffer.alloc(length);
    await handle.read(buffer, 0, length, size - length);
    return lastLines(buffer.toString("utf8"), lines);
  } catch {
    return `(no log at ${path})`;
  } finally {
    await handle?.close();
  }
}

/** Pure: the last `lines` lines of a text, trailing white space dropped. */
export function lastLines(text: string, lines: number): string {
  return text.replace(/\s+$/, "").split("\n").slice(-lines).join("\n");
}
