import { readdir } from "node:fs/promises";
import { join } from "node:path";

const SKIPPED = new Set([".git", "node_modules", "vendor", ".venv", "target", "dist"]);

/** Relative files and directories of a source tree, bounded so a huge repository stays cheap. */
export async function listSourceTree(
  root: string,
  limits: { maxDepth: number; maxEntries: number } = { maxDepth: 6, maxEntries: 20_000 },
): Promise<{ files: string[]; directories: string[] }> {
  const files: string[] = [];
  const directories: string[] = [];
  const walk = async (relative: string, depth: number): Promise<void> => {
    if (files.length + directories.length >= limits.maxEntries) return;
    const entries = await readdir(join(root, relative), { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      const path = relative ? `${relative}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (SKIPPED.has(entry.name)) continue;
        directories.push(path);
        if (depth < limits.maxDepth) await walk(path, depth + 1);
      } else if (entry.isFile() || entry.isSymbolicLink()) {
        files.push(path);
      }
    }
  };
  await walk("", 1);
  return { files, directories };
}
