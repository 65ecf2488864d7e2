/**
 * Bundles the `slipway` command into one ES module, dist/slipway.mjs, with esbuild (run by the
 * root `prepare`, so `npm ci` leaves it in place). bin/slipway.js starts it in about 0.1 s where
 * tsx takes about 1 s of CPU to load the TypeScript sources, and only while every workspace
 * source it was built from is older than it (dist/sources.json): an edited source falls back
 * to tsx, so development never runs a stale bundle.
 */
import { writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const cliDir = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const distDir = join(cliDir, "dist");
const result = await build({
  entryPoints: [join(cliDir, "src/main.ts")],
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  outfile: join(distDir, "slipway.mjs"),
  // CommonJS packages in the bundle call require().
  banner: {
    js: 'import { createRequire as __slipwayRequire } from "node:module"; const require = __slipwayRequire(import.meta.url);',
  },
  metafile: true,
  logLevel: "warning",
});
const sources = Object.keys(result.metafile.inputs)
  .map((input) => resolve(process.cwd(), input))
  .filter((path) => !path.split("/").includes("node_modules"))
  .map((path) => relative(distDir, path));
writeFileSync(join(distDir, "sources.json"), `${JSON.stringify(sources, null, 1)}\n`);
