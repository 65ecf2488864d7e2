import { createHash } from "node:crypto";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import {
  ensureBuildkit,
  type LocalBuildkit,
  type LocalRegistry,
  readBuilderSettings,
  readBuildkitBuild,
  startBuildkitd,
  startRegistry,
} from "@slipway/builder";

/**
 * The registry the platform's images go to, kept under the data dir so a restart keeps them.
 * Used when the cluster brings no registry of its own (a cluster named by KUBECONFIG).
 */
export async function startOwnRegistry(dataDir: string): Promise<LocalRegistry> {
  const dir = join(dataDir, "registry");
  mkdirSync(dir, { recursive: true });
  return startRegistry(dir);
}

/**
 * buildkitd with its state (the build cache) kept across restarts. Its unix socket must fit
 * in 107 bytes, so a data dir with a long path gets a short directory keyed by it instead.
 */
export async function startLocalBuildkitd(
  dataDir: string,
  registryHost: string,
  log: (line: string) => void,
): Promise<LocalBuildkit> {
  const settings = readBuilderSettings(process.env);
  if (!(await readBuildkitBuild(settings.binDir))) {
    log(
      "First start: building BuildKit from Go source (several minutes; progress below). " +
        `It is cached in ${settings.binDir}: later starts take seconds.`,
    );
  }
  const binaries = await ensureBuildkit(settings, log);
  const preferred = join(dataDir, "buildkit");
  const workDir =
    preferred.length <= 60
      ? preferred
      : join(
          "/var/lib/slipway",
          `buildkit-${createHash("sha256").update(dataDir).digest("hex").slice(0, 12)}`,
        );
  mkdirSync(workDir, { recursive: true });
  return startBuildkitd({
    binaries,
    workDir,
    plainHttpRegistries: [registryHost],
    // `FROM node:20-slim` is read from the platform's registry (no internet; see base-images.ts).
    mirrorRegistry: registryHost,
    log,
  });
}
