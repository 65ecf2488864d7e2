import { existsSync } from "node:fs";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { dirname, join } from "node:path";
import { acquireLock, goCandidates, makeGoEnv, runLogged } from "@slipway/shared/go-build";
import { readLogTail } from "@slipway/shared/log-tail";
import { MissingPrerequisiteError, ToolBuildFailedError } from "@slipway/shared/tool-errors";
import {
  BUILDKIT_BINARIES,
  BUILDKIT_VERSION,
  BUILDKIT_WRAPPER_DIR,
  type BuilderSettings,
} from "../config.js";
import { makeBuildkitBuildArgs } from "./build-plan.js";

export interface BuildkitManifest {
  buildkit: string;
  builtAt: string;
  buildSeconds: number;
  binaries: string[];
}

export interface BuildkitBinaries {
  buildkitd: string;
  buildctl: string;
  manifest: BuildkitManifest;
}

const MANIFEST = "manifest.json";

/** A directory is complete only if the manifest (written last) and both binaries exist. */
export async function readBuildkitBuild(binDir: string): Promise<BuildkitBinaries | undefined> {
  try {
    const manifest = JSON.parse(await readFile(join(binDir, MANIFEST), "utf8")) as BuildkitManifest;
    if (!BUILDKIT_BINARIES.every((name) => existsSync(join(binDir, name)))) return undefined;
    return { buildkitd: join(binDir, "buildkitd"), buildctl: join(binDir, "buildctl"), manifest };
  } catch {
    return undefined;
  }
}

/**
 * Makes sure the pinned buildkitd and buildctl exist in settings.binDir, building them from the
 * wrapper module if not. Idempotent and safe to run concurrently (lock, temp dir, rename).
 */
export async function ensureBuildkit(
  settings: Pick<BuilderSettings, "cacheDir" | "binDir">,
  log: (line: string) => void,
  env: NodeJS.ProcessEnv = process.env,
): Promise<BuildkitBinaries> {
  const existing = await readBuildkitBuild(settings.binDir);
  if (existing) return existing;
  await mkdir(settings.cacheDir, { recursive: true });
  const lock = await acquireLock(join(settings.cacheDir, "buildkit-build.lock"), {
    timeoutMs: 60 * 60_000,
    onWait: (pid) => log(`another BuildKit build (pid ${pid ?? "?"}) is running; waiting for it`),
  });
  try {
    return (await readBuildkitBuild(settings.binDir)) ?? (await buildInto(settings, log, env));
  } finally {
    await lock.release();
  }
}

async function buildInto(
  settings: Pick<BuilderSettings, "cacheDir" | "binDir">,
  log: (line: string) => void,
  baseEnv: NodeJS.ProcessEnv,
): Promise<BuildkitBinaries> {
  const go = goCandidates(baseEnv).find((candidate) => existsSync(candidate));
  if (!go) {
    throw new MissingPrerequisiteError(
      "The Go toolchain is needed to build BuildKit once, and no go was found (PATH, $GOROOT/bin, /usr/local/go/bin). Install Go 1.26.8+ or set SLIPWAY_GO.",
    );
  }
  const parallelism = Math.max(1, Math.min(availableParallelism(), 4));
  const env = makeGoEnv(baseEnv, parallelism, dirname(go));
  const tmpDir = `${settings.binDir}.tmp-${process.pid}`;
  await rm(tmpDir, { recursive: true, force: true });
  await mkdir(tmpDir, { recursive: true });
  const logFile = join(
    settings.cacheDir,
    `buildkit-build-${new Date().toISOString().replace(/[:.]/g, "-")}.log`,
  );
  log(
    `building BuildKit ${BUILDKIT_VERSION} (buildkitd, buildctl) into ${settings.binDir}; takes minutes once; log: ${logFile}`,
  );
  const started = Date.now();
  try {
    await runLogged(
      go,
      makeBuildkitBuildArgs(tmpDir, parallelism),
      BUILDKIT_WRAPPER_DIR,
      env,
      logFile,
      (seconds) => log(`  ... still building BuildKit (${seconds} s)`),
    );
  } catch (error) {
    await rm(tmpDir, { recursive: true, force: true });
    throw new ToolBuildFailedError(
      `building BuildKit ${BUILDKIT_VERSION} failed: ${(error as Error).message}`,
      await readLogTail(logFile, 40),
    );
  }
  const manifest: BuildkitManifest = {
    buildkit: BUILDKIT_VERSION,
    builtAt: new Date().toISOString(),
    buildSeconds: Math.round((Date.now() - started) / 1000),
    binaries: [...BUILDKIT_BINARIES],
  };
  await writeFile(join(tmpDir, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
  await rm(settings.binDir, { recursive: true, force: true });
  await rename(tmpDir, settings.binDir);
  log(`built BuildKit in ${manifest.buildSeconds} s`);
  return {
    buildkitd: join(settings.binDir, "buildkitd"),
    buildctl: join(settings.binDir, "buildctl"),
    manifest,
  };
}
