/**
 * Runs in an image's runtime stage: every npm package the bundle imports must resolve from
 * the production node_modules, so a missing dependency fails the image build, not the pod.
 *
 *   node --experimental-import-meta-resolve scripts/images/check-externals.mjs <package-dir>
 * (Node 20 needs the flag for import.meta.resolve's second argument.)
 */
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const packageDir = resolve(process.argv[2] ?? ".");
const externals = JSON.parse(readFileSync(join(packageDir, "bundle", "externals.json"), "utf8"));
const from = pathToFileURL(join(packageDir, "bundle", "bin", "index.mjs")).href;
const missing = externals.filter((name) => {
  try {
    import.meta.resolve(name, from);
    return false;
  } catch {
    return true;
  }
});
if (missing.length > 0) {
  console.error(`production dependencies missing from the image: ${missing.join(", ")}`);
  process.exit(1);
}
console.log(`${externals.length} npm packages the bundle imports all resolve`);
