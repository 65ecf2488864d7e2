import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

interface ManifestChunk {
  file: string;
  isEntry?: boolean;
  isDynamicEntry?: boolean;
  imports?: string[];
  src?: string;
}

/**
 * Compressed JavaScript a first visit downloads, from dist's Vite manifest: the entry with its
 * static imports, plus the page's own chunk with its static imports. One figure per page.
 */
export function firstLoadBytesPerPage(distDir: string): Map<string, number> {
  const manifest = JSON.parse(readFileSync(join(distDir, ".vite/manifest.json"), "utf8")) as Record<
    string,
    ManifestChunk
  >;
  const closure = (key: string, into: Set<string>) => {
    if (into.has(key)) return;
    into.add(key);
    for (const imported of manifest[key]?.imports ?? []) closure(imported, into);
  };
  const gzipped = (key: string) =>
    gzipSync(readFileSync(join(distDir, manifest[key]!.file)), { level: 9 }).length;
  const entry = Object.keys(manifest).find((key) => manifest[key]!.isEntry);
  if (!entry) throw new Error("dist has no entry chunk");
  const result = new Map<string, number>();
  for (const [key, chunk] of Object.entries(manifest)) {
    if (!chunk.isDynamicEntry || !chunk.file.endsWith(".js")) continue;
    const files = new Set<string>();
    closure(entry, files);
    closure(key, files);
    result.set(
      chunk.src ?? key,
      [...files].reduce((total, file) => total + gzipped(file), 0),
    );
  }
  return result;
}
