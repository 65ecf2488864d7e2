/**
 * `npm run bench:build`: starts buildkitd and a registry, then builds a small app three times —
 * cold (empty BuildKit cache), warm (unchanged app), and after a one-file change — and prints
 * the timings.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BuildRequest } from "@slipway/shared";
import { buildBaseImage } from "../base-image.js";
import { readBuilderSettings } from "../config.js";
import { runBuild } from "../image-build/run-build.js";
import { startLocalBuildStack } from "../local-stack.js";

const log = (line: string) => console.log(line);
const stackStarted = Date.now();
const stack = await startLocalBuildStack(readBuilderSettings(process.env), log);
const app = await mkdtemp(join(tmpdir(), "slipway-bench-"));
try {
  const baseStarted = Date.now();
  const base = await buildBaseImage(stack);
  const baseSeconds = (Date.now() - baseStarted) / 1000;
  await writeFile(
    join(app, "Dockerfile"),
    [
      `FROM ${base}`,
      "WORKDIR /app",
      "COPY deps.txt .",
      // Stands in for a dependency install: CPU work whose result depends only on deps.txt.
      "RUN for i in $(seq 1 200); do sha256sum deps.txt >> deps.lock; done && sleep 1",
      "COPY src.txt .",
      "RUN wc -c src.txt > size.txt",
      'CMD ["cat", "size.txt"]',
      "",
    ].join("\n"),
  );
  await writeFile(join(app, "deps.txt"), "left-pad@1.3.0\n");
  await writeFile(join(app, "src.txt"), "console.log('v1')\n");
  const request = (deploymentId: string): BuildRequest => ({
    deploymentId,
    source: { kind: "directory", path: app },
    rootDirectory: ".",
    env: { NPM_TOKEN: "bench-token" },
    imageRepository: `${stack.registry.host}/slipway/bench`,
    cacheRef: `${stack.registry.host}/slipway/bench:buildcache`,
  });
  const deps = {
    buildctl: stack.binaries.buildctl,
    addr: stack.buildkit.addr,
    fetch,
    now: () => new Date(),
  };
  const cold = await runBuild(request("dep_cold"), deps);
  const warm = await runBuild(request("dep_warm"), deps);
  await writeFile(join(app, "src.txt"), "console.log('v2')\n");
  const changed = await runBuild(request("dep_changed"), deps);
  const row = (label: string, r: typeof cold) =>
    `| ${label} | ${r.durationSeconds.toFixed(2)} s | ${r.cachedSteps}/${r.steps.length} |`;
  console.log(
    [
      "",
      `buildkitd (${stack.buildkit.snapshotter}) + registry up in ${((baseStarted - stackStarted) / 1000).toFixed(1)} s; busybox base image built in ${baseSeconds.toFixed(1)} s`,
      "| build | time | cached steps |",
      "| --- | --- | --- |",
      row("cold (empty cache)", cold),
      row("warm (unchanged app)", warm),
      row("one source file changed", changed),
      "",
    ].join("\n"),
  );
} finally {
  await rm(app, { recursive: true, force: true });
  await stack.stop();
}
