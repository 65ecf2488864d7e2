#!/usr/bin/env node
// The `slipway` command: the esbuild bundle (dist/slipway.mjs, built by `npm ci`'s prepare)
// while it is newer than every source it was built from; otherwise the TypeScript sources
// through tsx's loader, so an edited source is what runs.
import { readFileSync, statSync } from "node:fs";

function bundleIsFresh(bundle, sourcesList) {
  try {
    const builtAt = statSync(bundle).mtimeMs;
    const sources = JSON.parse(readFileSync(sourcesList, "utf8"));
    return sources.every((source) => statSync(new URL(source, bundle)).mtimeMs <= builtAt);
  } catch {
    return false;
  }
}

const bundle = new URL("../dist/slipway.mjs", import.meta.url);
if (bundleIsFresh(bundle, new URL("../dist/sources.json", import.meta.url))) {
  await import(bundle.href);
} else {
  const { register } = await import("tsx/esm/api");
  register();
  await import("../src/main.ts");
}
