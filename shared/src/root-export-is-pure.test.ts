import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const srcDir = dirname(fileURLToPath(import.meta.url));
/** Random ids need randomness; nothing else from Node is allowed behind the root export. */
const allowedNodeModules = new Set(["node:crypto"]);

/** Every module reachable from `entry` through static imports and re-exports, type-only too. */
function reachable(entry: string): { files: string[]; packages: string[] } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    const text = readFileSync(file, "utf8");
    for (const match of text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^;]*?\bfrom\s+"([^"]+)"/g)) {
      const specifier = match[1]!;
      if (specifier.startsWith("."))
        visit(resolve(dirname(file), specifier.replace(/\.js$/, ".ts")));
      else packages.add(specifier);
    }
  };
  visit(entry);
  return { files: [...files], packages: [...packages] };
}

describe("the root export @slipway/shared", () => {
  it("reaches no I/O: no node: module but crypto, no package, none of the I/O subpaths", () => {
    const { files, packages } = reachable(join(srcDir, "index.ts"));
    expect(packages.filter((name) => !allowedNodeModules.has(name))).toEqual([]);
    const ioFolders = ["kube", "go-build", "net", "logs"].map((folder) => join(srcDir, folder));
    expect(files.filter((file) => ioFolders.some((folder) => file.startsWith(folder)))).toEqual([]);
    expect(files.length).toBeGreaterThan(10);
  });
});
