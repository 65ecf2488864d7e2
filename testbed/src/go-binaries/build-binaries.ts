import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { acquireLock, makeGoEnv, runLogged } from "@slipway/shared/go-build";
import { readLogTail } from "@slipway/shared/log-tail";
import { ToolBuildFailedError } from "@slipway/shared/tool-errors";
import type { TestbedSettings } from "../config.js";
import { ETCD_VERSION, KUBERNETES_VERSION, KWOK_VERSION, WRAPPERS_DIR } from "../config.js";
import { findGo } from "../prerequisites.js";
import { BINARY_NAMES, makeBuildPlan, makeGoBuildArgs } from "./build-plan.js";
import { KWOK_STAGE_FILES, makeKwokStagesYaml } from "./kwok-stages.js";

const run = promisify(execFile);

export interface BuildManifest {
  kubernetes: string;
  etcd: string;
  kwok: string;
  builtAt: string;
  buildSeconds: number;
  goVersion: string;
  binaries: string[];
}

export type Log = (line: string) => void;

const MANIFEST = "manifest.json";

/** A build directory is complete only if the manifest (written last) and every binary exist. */
export async function readCompleteBuild(binDir: string): Promise<BuildManifest | undefined> {
  try {
    const manifest = JSON.parse(await readFile(join(binDir, MANIFEST), "utf8")) as BuildManifest;
    const complete = BINARY_NAMES.every((name) => existsSync(join(binDir, name)));
    return complete ? manifest : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Makes sure the pinned binaries exist in settings.binDir, building them if not.
 * Idempotent and safe to call concurrently: one caller builds under a lock into a temp
 * directory that is renamed into place, the others wait and then reuse the result.
 */
export async function ensureBinaries(settings: TestbedSettings, log: Log): Promise<BuildManifest> {
  const existing = await readCompleteBuild(settings.binDir);
  if (existing) return existing;

  await mkdir(settings.cacheDir, { recursive: true });
  const lock = await acquireLock(join(settings.cacheDir, "build.lock"), {
    timeoutMs: 120 * 60_000,
    onWait: (owner) =>
      log(`another build (pid ${owner?.pid ?? "?"}) is running; waiting for it to finish`),
  });
  try {
    const built = await readCompleteBuild(settings.binDir);
    if (built) return built;
    return await buildInto(settings, log);
  } finally {
    await lock.release();
  }
}

async function buildInto(settings: TestbedSettings, log: Log): Promise<BuildManifest> {
  const go = await findGo();
  const goEnvBase = { ...process.env, PATH: `${join(go, "..")}:${process.env.PATH ?? ""}` };
  const parallelism = Math.max(1, Math.min(availableParallelism(), 4));
  const env = makeGoEnv(goEnvBase, parallelism);
  const goVersion = (await run(go, ["version"], { env })).stdout.trim();

  const tmpDir = `${settings.binDir}.tmp-${process.pid}`;
  await rm(tmpDir, { recursive: true, force: true });
  await mkdir(tmpDir, { recursive: true });
  const logFile = join(
    settings.cacheDir,
    `build-${new Date().toISOString().replace(/[:.]/g, "-")}.log`,
  );
  const buildDate = await moduleTime(go, env);
  const started = Date.now();
  log(
    `building Kubernetes ${KUBERNETES_VERSION}, etcd ${ETCD_VERSION} and kwok ${KWOK_VERSION} with ${goVersion}` +
      ` into ${settings.binDir}. With empty Go caches this takes about 45 minutes on two cores (a few minutes when only this directory is missing); log: ${logFile}`,
  );

  for (const step of makeBuildPlan(tmpDir, buildDate)) {
    const stepStarted = Date.now();
    log(`  go build ${step.label} ...`);
    await runLogged(go, makeGoBuildArgs(step, parallelism), step.wrapperDir, env, logFile, (s) =>
      log(`  ... still building ${step.label} (${s} s)`),
    ).catch(async (error: Error) => {
      await rm(tmpDir, { recursive: true, force: true });
      throw new ToolBuildFailedError(
        `building ${step.label} failed: ${error.message}`,
        await readLogTail(logFile, 40),
      );
    });
    log(`  built ${step.label} in ${Math.round((Date.now() - stepStarted) / 1000)} s`);
  }

  const kwokDir = (
    await run(go, ["list", "-mod=readonly", "-m", "-f", "{{.Dir}}", "sigs.k8s.io/kwok"], {
      cwd: join(WRAPPERS_DIR, "kwok"),
      env,
    })
  ).stdout.trim();
  const stageFiles = await Promise.all(
    KWOK_STAGE_FILES.map(async (rel) => ({
      rel,
      text: await readFile(join(kwokDir, rel), "utf8"),
    })),
  );
  await writeFile(join(tmpDir, "kwok-stages.yaml"), makeKwokStagesYaml(KWOK_VERSION, stageFiles));

  const manifest: BuildManifest = {
    kubernetes: KUBERNETES_VERSION,
    etcd: ETCD_VERSION,
    kwok: KWOK_VERSION,
    builtAt: new Date().toISOString(),
    buildSeconds: Math.round((Date.now() - started) / 1000),
    goVersion,
    binaries: [...BINARY_NAMES],
  };
  await writeFile(join(tmpDir, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
  // A leftover incomplete directory (killed build from an older layout) would make rename fail.
  await rm(settings.binDir, { recursive: true, force: true });
  await rename(tmpDir, settings.binDir);
  log(`built all binaries in ${manifest.buildSeconds} s`);
  return manifest;
}

/** The release's publication time, used as buildDate so rebuilds are reproducible. */
async function moduleTime(go: string, env: NodeJS.ProcessEnv): Promise<string> {
  try {
    const { stdout } = await run(
      go,
      [
        "list",
        "-mod=readonly",
        "-m",
        "-f",
        '{{.Time.UTC.Format "2006-01-02T15:04:05Z"}}',
        "k8s.io/kubernetes",
      ],
      { cwd: join(WRAPPERS_DIR, "kubernetes"), env },
    );
    return stdout.trim() || "1970-01-01T00:00:00Z";
  } catch {
    return "1970-01-01T00:00:00Z";
  }
}
