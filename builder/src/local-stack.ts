import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BuildkitBinaries, ensureBuildkit } from "./buildkit/ensure-buildkit.js";
import { type LocalBuildkit, startBuildkitd } from "./buildkit/start-buildkitd.js";
import type { BuilderSettings } from "./config.js";
import { type LocalRegistry, startRegistry } from "./registry/start-registry.js";
import { recordStack, stopStacksOfDeadOwners } from "./stack-state.js";

/** buildkitd and a registry on this machine, for tests, benchmarks and single-machine setups. */
export interface LocalBuildStack {
  binaries: BuildkitBinaries;
  buildkit: LocalBuildkit;
  registry: LocalRegistry;
  workDir: string;
  stop(): Promise<void>;
}

export async function startLocalBuildStack(
  settings: Pick<BuilderSettings, "cacheDir" | "binDir">,
  log: (line: string) => void,
): Promise<LocalBuildStack> {
  for (const workDir of await stopStacksOfDeadOwners(settings.cacheDir)) {
    log(`stopped a buildkitd and registry left behind by a killed run (${workDir})`);
  }
  const binaries = await ensureBuildkit(settings, log);
  // Short path: buildkitd's unix socket lives inside it.
  const workDir = await mkdtemp(join(tmpdir(), "slipway-bk-"));
  let registry: LocalRegistry | undefined;
  try {
    registry = await startRegistry(workDir);
    const buildkit = await startBuildkitd({
      binaries,
      workDir,
      plainHttpRegistries: [registry.host],
      // Nothing can be pulled from the internet: `FROM node:20-slim` is read from this registry.
      mirrorRegistry: registry.host,
      log,
    });
    const started = registry;
    const recordFile = await recordStack(settings.cacheDir, {
      ownerPid: process.pid,
      buildkitdPid: buildkit.process.pid,
      registryPid: registry.process.pid,
      workDir,
    });
    return {
      binaries,
      buildkit,
      registry,
      workDir,
      stop: async () => {
        await buildkit.stop();
        await started.stop();
        await rm(recordFile, { force: true });
        // buildkitd may leave overlay mounts busy for a moment; a failed cleanup is not fatal.
        await rm(workDir, { recursive: true, force: true }).catch(() => undefined);
      },
    };
  } catch (error) {
    await registry?.stop();
    await rm(workDir, { recursive: true, force: true }).catch(() => undefined);
    throw error;
  }
}
