/**
 * Runs in an image's build stage: bundles one service's entry points (TypeScript, with the
 * @slipway/* workspaces they import) into plain ES modules with esbuild, leaving every npm
 * package external so the runtime stage ships them from `npm ci --omit=dev`.
 *
 *   node scripts/images/bundle-service.mjs <package-dir> <entry.ts>...
 *
 * Output: <package-dir>/bundle/bin/<entry>.mjs (two levels below the package, so code that
 * finds files relative to its own source, e.g. ../../drizzle, finds them the same way) and
 * <package-dir>/bundle/externals.json, the npm packages the bundle imports.
 */
import { writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { build } from "esbuild";

const [packageDir, ...entries] = process.argv.slice(2);
if (!packageDir || entries.length === 0) {
  console.error("usage: bundle-service.mjs <package-dir> <entry.ts>...");
  process.exit(2);
}

const externals = new Set();
const npmPackagesExternal = {
  name: "npm-packages-external",
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith("@slipway/")) return undefined;
      if (!args.path.startsWith("node:")) {
        const parts = args.path.split("/");
        externals.add(args.path.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0]);
      }
      return { path: args.path, external: true };
    });
  },
};

await build({
  entryPoints: Object.fromEntries(
    entries.map((entry) => [basename(entry).replace(/\.ts$/, ""), join(packageDir, entry)]),
  ),
  outdir: join(packageDir, "bundle", "bin"),
  outExtension: { ".js": ".mjs" },
  bundle: true,
  splitting: false,
  format: "esm",
  platform: "node",
  target: "node20",
  sourcemap: "linked",
  logLevel: "warning",
  plugins: [npmPackagesExternal],
});
writeFileSync(
  join(packageDir, "bundle", "externals.json"),
  `${JSON.stringify([...externals].sort(), null, 2)}\n`,
);
